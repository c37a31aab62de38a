"""Attachment downloads: only for agents of the attachment's account, always as a download."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from helpline.conversations.access import access_attachment
from helpline.conversations.visibility import can_see_ticket
from helpline.core.errors import NotFound
from helpline.tenancy import permissions
from helpline.web.decorators import workspace_view


@require_GET
@workspace_view(permissions.WORK_TICKETS)
def download_attachment(request, public_id):
    try:
        attachment = access_attachment(request.membership.account, public_id)
        if not can_see_ticket(request.membership, attachment.message.ticket):
            raise NotFound(_("No such file."))
        stream = default_storage.open(attachment.storage_key, "rb")
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except FileNotFoundError as exc:
        raise Http404 from exc
    # Always a download, never rendered inline: a hostile HTML or SVG file cannot run in our origin.
    response = FileResponse(stream, as_attachment=True, filename=attachment.name, content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
