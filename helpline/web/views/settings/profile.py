"""My profile: the agent's own email signature in this account. Every member may open it, no permission needed."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from helpline.channels.email.signatures import update_agent_signature
from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.web.views.settings.sections import render_section, saved, section_view

KEY = "profile"


@require_http_methods(["GET", "POST"])
@section_view(KEY)
def profile(request):
    membership = request.membership
    signature, error = membership.signature_html, ""
    if request.method == "POST":
        signature = request.POST.get("signature_html", "")
        try:
            update_agent_signature(membership=membership, signature_html=signature, actor=Actor(user=request.user))
        except DomainError as exc:
            error = exc.message
        else:
            return saved(request, KEY, _("Your signature was saved."))
    context = {"signature_html": signature, "saved_signature": membership.signature_html, "error": error}
    return render_section(request, KEY, "settings/profile.html", context, status=422 if error else 200)
