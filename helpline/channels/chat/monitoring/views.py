"""The widget's one HTTP endpoint for monitoring: the time on a page, sent with ``navigator.sendBeacon`` when the
page goes away (a socket may not flush then). Public: the key and the visitor id reach that visitor's own page
views only; whatever arrives, the answer is a 204 or a 4xx, never a 500."""

from __future__ import annotations

import json

from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from helpline.channels.chat import limits
from helpline.channels.chat import selectors as chat_selectors
from helpline.channels.chat.monitoring import actions
from helpline.channels.chat.protocol import VISITOR_ID
from helpline.channels.chat.views import problem_response
from helpline.security.client_ip import request_ip

MAX_BEACON_BYTES = 2048


@csrf_exempt  # a public beacon from the widget frame; it acts for no signed-in user
@require_POST
def leave(request, key):
    button = chat_selectors.get_button_by_key(key)
    if button is None:
        return JsonResponse({"detail": _("No such chat button."), "code": "not_found"}, status=404)
    if len(request.body) > MAX_BEACON_BYTES:
        return JsonResponse({"detail": _("The report is too large."), "code": "invalid"}, status=413)
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        data = None
    visitor = data.get("visitor") if isinstance(data, dict) else None
    if not isinstance(visitor, str) or not VISITOR_ID.match(visitor):
        return JsonResponse({"detail": _("Send {visitor, view, seconds} as JSON."), "code": "invalid"}, status=400)
    try:
        limits.check("beacon", account_id=button.account_id, visitor_id=visitor, ip=request_ip(request))
    except limits.RateLimited as exc:
        return problem_response(exc)
    actions.record_time_on_page(
        account=button.account, visitor_id=visitor, view=data.get("view"), seconds=data.get("seconds")
    )
    return HttpResponse(status=204)
