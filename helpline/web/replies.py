"""The predefined answer chosen in the reply form, if any: only one the agent may see."""

from __future__ import annotations

from django.utils.translation import gettext as _

from helpline.core.errors import DomainError
from helpline.replies.selectors import get_visible_answer


def chosen_answer(request):
    public_id = request.POST.get("predefined_answer", "").strip()
    if not public_id:
        return None
    answer = get_visible_answer(request.membership.account, request.user, public_id)
    if answer is None:
        raise DomainError(_("That predefined answer is not available any more; choose another one."))
    return answer
