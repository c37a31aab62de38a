"""The widget's HTTP side: the loader script host pages embed, the frame page, and the two forms (start a chat,
leave a message). Public endpoints: the widget key is the only credential and reaches its own button only."""

from __future__ import annotations

import json
import secrets

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from helpline.channels.chat import actions, appearance, files, hours, limits, routing_bridge, selectors
from helpline.channels.chat.monitoring.privacy import loader_config
from helpline.channels.chat.protocol import VISITOR_ID, state_payload
from helpline.core.errors import DomainError
from helpline.security.client_ip import request_ip

MAX_FORM_BYTES = 64 * 1024


def _button(key: str):
    button = selectors.get_button_by_key(key)
    if button is None:
        raise Http404(_("No such chat button."))
    return button


def _base_url(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


@require_GET
@cache_control(public=True, max_age=300)
def loader_script(request, key):
    """``<script src="…/widget/KEY.js" async>``: inserts the widget's iframe; never throws into the host page."""
    button = _button(key)
    config = {
        "key": button.key,
        "frame": f"{_base_url(request)}/widget/{button.key}/frame/",
        "origin": _base_url(request),
        "position": button.position,
        "title": appearance.widget_texts(button)["title"],
        **loader_config(button.account),  # visitor monitoring: tracking on/off, Do Not Track
    }
    response = render(request, "chat/loader.js", {"config": json.dumps(config)}, content_type="text/javascript")
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _frame_csp(request, nonce: str) -> str:
    host = request.get_host()
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            f"style-src 'self' 'nonce-{nonce}'",
            f"connect-src 'self' ws://{host} wss://{host}",
            "img-src 'self' data:",
            "media-src 'self' data:",
            "form-action 'none'",
            "base-uri 'none'",
            "frame-ancestors *",
        ]
    )


@require_GET
@xframe_options_exempt
def frame(request, key):
    """The widget itself, in an iframe on Helpline's origin: the host page's CSS and scripts cannot reach it."""
    button = _button(key)
    nonce = secrets.token_urlsafe(16)
    language = appearance.widget_language(button)
    within_hours = hours.is_open(button)
    texts = appearance.widget_texts(button)
    if not within_hours:
        with translation.override(language):
            texts["offlineIntro"] = _("We are closed right now. Leave us a message and we will answer by email.")
    config = {
        "key": button.key,
        "socket": f"/ws/visitor/{button.key}/",
        "start": f"/widget/{button.key}/chats/",
        "offline": f"/widget/{button.key}/offline/",
        "upload": f"/widget/{button.key}/files/",
        "accept": files.ACCEPT,
        "online": within_hours and routing_bridge.anyone_available(button),
        "closed": not within_hours,
        "offlineBehaviour": button.offline_behaviour,
        "position": button.position,
        "template": button.template,
        "fields": {"name": button.name_field, "email": button.email_field, "custom": button.custom_fields},
        "texts": texts,
    }
    with translation.override(language):
        response = render(
            request,
            "chat/frame.html",
            {"button": button, "config": config, "nonce": nonce, "language": language},
        )
    response["Content-Security-Policy"] = _frame_csp(request, nonce)
    response["Cache-Control"] = "private, no-cache"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _json_body(request) -> dict:
    if len(request.body) > MAX_FORM_BYTES:
        raise DomainError(_("The form is too large."))
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise DomainError(_("Send the form as JSON.")) from exc
    if not isinstance(data, dict):
        raise DomainError(_("Send the form as a JSON object."))
    return data


def problem_response(exc: DomainError) -> JsonResponse:
    """A DomainError as the widget's JSON error (``Retry-After`` when rate limited)."""
    body = {"detail": str(exc.message), "code": exc.code}
    errors = getattr(exc, "errors", None)
    if errors:
        body["errors"] = {key: str(value) for key, value in errors.items()}
    retry_after = getattr(exc, "retry_after", None)
    if retry_after:
        body["retry_after"] = retry_after
    response = JsonResponse(body, status=exc.status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _visitor_of(data: dict) -> str:
    """The visitor id a request names, when well-formed (for rate limits, before the form is checked)."""
    visitor = data.get("visitor")
    return visitor if isinstance(visitor, str) and VISITOR_ID.match(visitor) else ""


def _visitor_meta(request, data: dict) -> dict:
    page = data.get("page") if isinstance(data.get("page"), str) else ""
    return {
        "page": page[:500],
        "user_agent": request.headers.get("User-Agent", "")[:300],
        "ip": request_ip(request),
    }


def _language_of(button):
    return translation.override(appearance.widget_language(button))


@csrf_exempt  # a public JSON endpoint for the widget frame; it acts for no signed-in user
@require_POST
def start(request, key):
    button = _button(key)
    with _language_of(button):
        try:
            data = _json_body(request)
            limits.check("start", account_id=button.account_id, visitor_id=_visitor_of(data), ip=request_ip(request))
            form = actions.clean_visitor_form(button, data)
            meta = _visitor_meta(request, data)
            if routing_bridge.is_banned(button.account, ip=meta["ip"], visitor_id=form.visitor_id):
                return JsonResponse(
                    {"detail": _("Sorry, the chat is not available."), "code": "unavailable"}, status=403
                )
            session = actions.start_chat(button=button, form=form, meta=meta)
        except DomainError as exc:
            return problem_response(exc)
        session = selectors.access_chat(button.account, session.public_id)
        return JsonResponse({"chat": state_payload(session)}, status=201)


@csrf_exempt  # a public JSON endpoint for the widget frame; it acts for no signed-in user
@require_POST
def offline(request, key):
    button = _button(key)
    with _language_of(button):
        try:
            data = _json_body(request)
            limits.check("offline", account_id=button.account_id, visitor_id=_visitor_of(data), ip=request_ip(request))
            form = actions.clean_visitor_form(button, data, offline=True)
            meta = _visitor_meta(request, data)
            if routing_bridge.is_banned(button.account, ip=meta["ip"], visitor_id=form.visitor_id):
                return JsonResponse(
                    {"detail": _("Sorry, the chat is not available."), "code": "unavailable"}, status=403
                )
            actions.submit_offline_form(button=button, form=form, meta=meta)
        except DomainError as exc:
            return problem_response(exc)
        return JsonResponse({"detail": _("Thank you. We will answer by email.")}, status=201)


def read_upload(request, *, cid_field: str = "cid") -> tuple[str, tuple[str, int, bytes]]:
    """(cid, (name, size, content)) of a multipart upload; the size is checked before anything is read."""
    upload = request.FILES.get("file")
    if upload is None:
        raise DomainError(_("Choose a file to send."))
    if upload.size > files.MAX_FILE_BYTES:
        raise files.FileTooLarge(_("The file is larger than %(mb)d MB.") % {"mb": files.MAX_FILE_BYTES // 1024 // 1024})
    return request.POST.get(cid_field, ""), (upload.name, upload.size, upload.read())


@csrf_exempt  # a public endpoint for the widget frame; the visitor id names the visitor's own chat only
@require_POST
def upload(request, key):
    """A visitor shares a file in their running chat: acknowledged like a message."""
    button = _button(key)
    with _language_of(button):
        visitor = request.POST.get("visitor", "")
        session = selectors.get_visitor_session(button, visitor) if VISITOR_ID.match(visitor) else None
        if session is None:
            return JsonResponse({"detail": _("Start a chat first."), "code": "no_chat"}, status=404)
        try:
            ip = request_ip(request)
            limits.check("upload", account_id=button.account_id, visitor_id=visitor, ip=ip)
            limits.check("line", account_id=button.account_id, visitor_id=visitor, ip=ip)
            cid, upload_file = read_upload(request)
            line = actions.post_visitor_message(session=session, cid=cid, text="", file=upload_file)
        except DomainError as exc:
            return problem_response(exc)
        return JsonResponse({"cid": line.cid, "id": line.message.public_id, "seq": line.seq}, status=201)


@require_GET
def download(request, token):
    """A file of the visitor's own chat, through the signed link the widget was given."""
    ids = files.read_visitor_link(token)
    attachment = selectors.get_chat_attachment(*ids) if ids else None
    if attachment is None:
        raise Http404(_("No such file."))
    try:
        stream = default_storage.open(attachment.storage_key, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(stream, as_attachment=True, filename=attachment.name, content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def embed_snippet(button, base_url: str | None = None) -> str:
    base = (base_url or settings.BASE_URL).rstrip("/")
    return f'<script src="{base}/widget/{button.key}.js" async></script>'
