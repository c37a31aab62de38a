"""The MIME tree walk: which parts are the body, which are attachments, and what the structure tells us."""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import Message

from helpline.channels.email.parsing import attachments, bounces, mime, tnef
from helpline.channels.email.parsing.bodies import Unit, combine, decode_text
from helpline.channels.email.parsing.model import ParsedAttachment

MAX_PARTS = 1000  # parts visited; the rest of a bigger tree is ignored (and recorded)
MAX_DEPTH = 40  # multipart nesting
BODY_TYPES = {"text/plain", "text/html"}
CALENDAR_TYPES = {"text/calendar", "application/ics"}
SIGNATURE_TYPES = {"application/pkcs7-signature", "application/x-pkcs7-signature", "application/pgp-signature"}
OPAQUE_SMIME_TYPES = {"application/pkcs7-mime", "application/x-pkcs7-mime"}
FORWARD_TYPES = {"message/rfc822", "message/global"}


def _children(part: Message) -> list[Message]:
    payload = part.get_payload()
    return [p for p in payload if isinstance(p, Message)] if isinstance(payload, list) else []


@dataclass
class Walk:
    errors: list[str]
    units: list[Unit] = field(default_factory=list)
    tnef_units: list[Unit] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)
    bounce: bounces.Bounce | None = None
    is_calendar: bool = False
    is_signed: bool = False
    parts: int = 0

    def visit(self, part: Message, depth: int = 0, in_report: bool = False) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS or depth > MAX_DEPTH:
            if self.parts == MAX_PARTS + 1 or depth == MAX_DEPTH + 1:
                self.errors.append(f"more than {MAX_PARTS} parts or {MAX_DEPTH} levels: the rest is not read")
            return
        ctype = mime.content_type(part)
        for defect in getattr(part, "defects", []):
            self.errors.append(f"{ctype}: {type(defect).__name__}")
        if ctype.startswith("message/") or ctype in bounces.ORIGINAL_TYPES:
            self._message_part(part, ctype, in_report)
        elif part.is_multipart():
            self._multipart(part, ctype, depth)
        else:
            if ctype.startswith("multipart/"):
                self.errors.append(f"{ctype} has no readable parts (boundary missing): read as text/plain")
                ctype = "text/plain"
            self._leaf(part, ctype)

    def _multipart(self, part: Message, ctype: str, depth: int) -> None:
        children = _children(part)
        if not children:
            self.errors.append(f"{ctype} has no parts")
        if ctype == "multipart/alternative":
            self._alternative(children, depth)
            return
        report = bounces.is_delivery_report(part)
        if report and self.bounce is None:
            self.bounce = bounces.Bounce()
        if ctype == "multipart/signed":
            self.is_signed = True
        if ctype == "multipart/encrypted":
            self.errors.append("multipart/encrypted: content is encrypted, kept as attachments")
        for child in children:
            if ctype == "multipart/encrypted":
                self.attachments.append(attachments.from_part(child, self.errors))
            else:
                self.visit(child, depth + 1, in_report=report)

    def _alternative(self, children: list[Message], depth: int) -> None:
        """One body from several renderings: the last plain text and the last HTML (RFC 2046 order)."""
        outer, text, html = self.units, None, None
        for child in children:
            self.units = []
            self.visit(child, depth + 1)
            child_text, child_html = combine(self.units)
            text = child_text if child_text is not None else text
            html = child_html if child_html is not None else html
        self.units = outer
        if text is not None or html is not None:
            self.units.append((text, html))

    def _message_part(self, part: Message, ctype: str, in_report: bool) -> None:
        if ctype in FORWARD_TYPES:
            if in_report and self.bounce is not None:
                bounces.read_original(part, self.bounce)
            self.attachments.append(attachments.forwarded(part, self.errors))
        elif ctype in bounces.REPORT_TYPES:
            if self.bounce is not None:
                bounces.read_status(part, self.bounce)
            content = bounces.status_bytes(part)
            name = attachments.DELIVERY_REPORT_NAME
            self.attachments.append(ParsedAttachment(name=name, content_type=ctype, content=content))
        elif ctype in bounces.ORIGINAL_TYPES:
            if in_report and self.bounce is not None:
                bounces.read_original(part, self.bounce)
            name = mime.filename(part, self.errors) or attachments.HEADERS_REPORT_NAME
            self.attachments.append(attachments.from_part(part, self.errors, content_type=ctype, name=name))
        elif _children(part):  # message/disposition-notification, message/partial, …: keep the fields as text
            content = bounces.status_bytes(part)
            name = mime.filename(part, self.errors) or attachments.default_name(ctype)
            self.attachments.append(ParsedAttachment(name=name, content_type=ctype, content=content))
        else:
            self.attachments.append(attachments.from_part(part, self.errors, content_type=ctype))

    def _leaf(self, part: Message, ctype: str) -> None:
        name = mime.filename(part, self.errors)
        if tnef.is_tnef(ctype, name):
            self._tnef(part, ctype, name)
            return
        if ctype in SIGNATURE_TYPES:
            self.is_signed = True
        if ctype in OPAQUE_SMIME_TYPES:
            smime_type = mime.param(part, "smime-type").lower()
            self.is_signed = self.is_signed or smime_type == "signed-data"
            self.errors.append(f"{ctype} ({smime_type or 'no smime-type'}): not unpacked, kept as attachment")
        if ctype in CALENDAR_TYPES:
            self.is_calendar = True
        elif ctype in BODY_TYPES and mime.disposition(part) != "attachment" and not name:
            text = decode_text(part, ctype, self.errors)
            self.units.append((text, None) if ctype == "text/plain" else (None, text))
            return
        self.attachments.append(attachments.from_part(part, self.errors, content_type=ctype, name=name))

    def _tnef(self, part: Message, ctype: str, name: str) -> None:
        data = mime.payload_bytes(part, self.errors)
        mime.release_payload(part)
        content = tnef.expand(data, self.errors)
        if content is None or content.keep_original:
            original = ParsedAttachment(name=name or "winmail.dat", content_type=ctype, content=data)
            self.attachments.append(original)
        if content is not None:
            self.attachments.extend(content.attachments)
            if content.text.strip() or content.html.strip():
                self.tnef_units.append((content.text or None, content.html or None))

    def body(self) -> Unit:
        """The message body; a TNEF body only when the MIME structure carried none (it usually repeats it)."""
        text, html = combine(self.units)
        if (text or "").strip() or (html or "").strip() or not self.tnef_units:
            return text, html
        return combine(self.tnef_units)
