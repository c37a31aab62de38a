"""Notification sounds: every agent chooses, uploads or mutes their own sound for each notification. Also the
uploaded files (served only to the agent who uploaded them) and the settings sounds.js plays from."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.web.decorators import workspace_view
from helpline.web.views.settings.sections import render_section, saved, section_view
from helpline.workspace import sounds
from helpline.workspace.actions import set_sound
from helpline.workspace.selectors import get_own_sound, list_sound_choices

KEY = "sounds"


def _upload(request) -> tuple[str, bytes] | None:
    file = request.FILES.get("file")
    if file is None:
        return None
    if file.size > sounds.MAX_SOUND_BYTES:  # refused before reading it
        raise DomainError(_("The sound file is too large; the limit is 1 MB."))
    return file.name, file.read()


@require_http_methods(["GET", "POST"])
@section_view(KEY)
def sound_settings(request):
    account, errors = request.membership.account, {}
    if request.method == "POST":
        event = request.POST.get("event", "")
        try:
            set_sound(
                account=account,
                user=request.user,
                event=event,
                sound=request.POST.get("sound", ""),
                upload=_upload(request),
                actor=Actor(user=request.user),
            )
        except DomainError as exc:
            errors[event] = exc.message
        else:
            return saved(request, KEY, _("Your notification sound was saved."))
    context = {
        "rows": [(choice, errors.get(choice.event, "")) for choice in list_sound_choices(account, request.user)],
        "builtin": [(name, str(label), sounds.builtin_url(name)) for name, label in sounds.BUILTIN.items()],
        "max_bytes": sounds.MAX_SOUND_BYTES,
        "error": next((message for event, message in errors.items() if event not in sounds.EVENTS), ""),
    }
    return render_section(request, KEY, "settings/sounds.html", context, status=422 if errors else 200)


@require_GET
@workspace_view()
def sound_file(request, public_id):
    preference = get_own_sound(request.membership.account, request.user, public_id)
    if preference is None:
        raise Http404(_("No such sound."))
    try:
        stream = default_storage.open(preference.custom_key, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(stream, content_type=preference.custom_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
@workspace_view()
def sound_choices(request):
    """{"sounds": {event: url or ""}} for sounds.js ("" is muted)."""
    choices = list_sound_choices(request.membership.account, request.user)
    response = JsonResponse({"sounds": {c.event: c.url for c in choices}})
    response["Cache-Control"] = "private, no-store"
    return response
