"""CSV of contacts: upload, preview with per-row errors, import (a task), report; export of a filtered list."""

from __future__ import annotations

import contextlib
import itertools

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpline.core.actors import Actor
from helpline.core.errors import DomainError
from helpline.people import actions, csv_io
from helpline.people import selectors as people
from helpline.people.actions.imports import preview_rows
from helpline.people.models import ContactIdentity, ContactImport
from helpline.web.decorators import workspace_view
from helpline.web.views.contacts import WORK, ContactListQuery, found_or_404

EXPORT_CHUNK = 500


@require_http_methods(["GET", "POST"])
@workspace_view(*WORK)
def upload(request):
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("Choose a CSV file.")
        elif upload.size > csv_io.MAX_BYTES:
            error = _("The file is larger than %(n)d MB.") % {"n": csv_io.MAX_BYTES // 1024 // 1024}
        else:
            try:
                contact_import = actions.preview_contact_import(
                    account=request.membership.account, file_name=upload.name or "", data=upload.read(),
                    actor=Actor(user=request.user),
                )  # fmt: skip
            except DomainError as exc:
                error = exc.message
            else:
                return redirect("web:contacts-import", contact_import.public_id)
    context = {"error": error, "columns": csv_io.COLUMNS, "nav": "contacts", "area": "import"}
    return render(request, "contacts/import_upload.html", context, status=422 if error else 200)


@require_GET
@workspace_view(*WORK)
def import_page(request, public_id):
    """The preview before the import starts; progress while it runs (the page polls); the report after."""
    contact_import = found_or_404(people.access_import, request.membership.account, public_id)
    context = {"contact_import": contact_import, "nav": "contacts", "area": "import"}
    if contact_import.status == ContactImport.PREVIEW:
        rows = preview_rows(contact_import)
        context.update(rows=rows, preview_errors=sum(1 for r in rows if r.errors))
    done = contact_import.created_count + contact_import.updated_count + len(contact_import.errors)
    context["progress"] = min(100, done * 100 // contact_import.total_rows) if contact_import.total_rows else 100
    return render(request, "contacts/import.html", context)


@require_POST
@workspace_view(*WORK)
def start(request, public_id):
    contact_import = found_or_404(people.access_import, request.membership.account, public_id)
    with contextlib.suppress(DomainError):  # started already: the page shows its progress
        actions.start_contact_import(contact_import=contact_import, actor=Actor(user=request.user))
    return redirect("web:contacts-import", contact_import.public_id)


def _export_rows(contacts):
    """The contacts as CSV rows, newest first, a chunk at a time (keyset on the id; identities, groups prefetched)."""
    after = None
    while True:
        chunk_qs = contacts.order_by("-pk").select_related("company").prefetch_related("identities", "groups")
        if after is not None:
            chunk_qs = chunk_qs.filter(pk__lt=after)
        chunk = list(chunk_qs[:EXPORT_CHUNK])
        for contact in chunk:
            phones = [i.value for i in contact.identities.all() if i.kind == ContactIdentity.PHONE]
            yield (
                contact.public_id,
                contact.name,
                contact.primary_email,
                phones[0] if phones else "",
                contact.company.name if contact.company_id else "",
                ";".join(sorted(g.name for g in contact.groups.all())),
                timezone.localtime(contact.created_at).isoformat(timespec="seconds"),
            )
        if len(chunk) < EXPORT_CHUNK:
            return
        after = chunk[-1].pk


async def _from_thread(lines, batch: int = 200):
    """Serve a synchronous generator (it reads the database) under ASGI without collecting it all first."""
    iterator = iter(lines)
    next_batch = sync_to_async(lambda: "".join(itertools.islice(iterator, batch)), thread_sensitive=True)
    while chunk := await next_batch():
        yield chunk


@require_GET
@workspace_view(*WORK)
def export(request):
    """The contacts of the list's current filter (search, company, group) as a streamed CSV file."""
    query = ContactListQuery(request)
    contacts = people.filtered_contacts(request.membership.account, q=query.q, company=query.company, group=query.group)
    lines = csv_io.write_rows(_export_rows(contacts))
    if isinstance(request, ASGIRequest):
        lines = _from_thread(lines)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="contacts-{stamp}.csv"'
    return response
