"""Mailboxes and accepted domains: create, update (plan limit, validation, audit), and the fetchers' bookkeeping."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from helpline.channels.email.models import AcceptedDomain, Mailbox
from helpline.channels.email.transports.net import default_port, is_loopback
from helpline.conversations.html import sanitize_html
from helpline.core import clock
from helpline.core.actors import SYSTEM, Actor
from helpline.core.errors import Conflict, DomainError
from helpline.security import audit
from helpline.tenancy.plans import ensure_within_limit

# fmt: off
EDITABLE = frozenset({
    "name", "address", "brand", "department", "is_active", "inbound", "host", "port", "security", "username",
    "password", "auth", "oauth_client_id", "oauth_client_secret", "oauth_refresh_token", "folder", "after_import",
    "move_to_folder", "smtp_host", "smtp_port", "smtp_security", "smtp_username", "smtp_password",
    "stranger_policy", "spam_enabled", "spam_host", "spam_port", "spam_threshold", "dkim_domain", "dkim_selector",
    "dkim_private_key", "signature_html",
})
# fmt: on
SECRETS = frozenset({"password", "oauth_client_secret", "oauth_refresh_token", "smtp_password", "dkim_private_key"})
# Changing where mail is read from makes the stored UID progress meaningless: start over (dedupe keeps it safe).
RESETS_PROGRESS = frozenset({"inbound", "host", "port", "username", "folder", "auth"})
RESETS_TOKEN = frozenset({"auth", "username", "oauth_client_id", "oauth_client_secret", "oauth_refresh_token"})


def _apply(mailbox: Mailbox, fields: dict) -> list[str]:
    unknown = set(fields) - EDITABLE
    if unknown:
        raise DomainError(_("Unknown mailbox setting: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    changed = []
    for name, value in fields.items():
        if isinstance(value, str) and name not in SECRETS:
            value = value.strip()
        if name == "address":
            value = value.lower()
        if getattr(mailbox, name) != value:
            setattr(mailbox, name, value)
            changed.append(name)
    return changed


def _validate(mailbox: Mailbox) -> None:
    if not mailbox.name:
        raise DomainError(_("A mailbox needs a name."))
    try:
        validate_email(mailbox.address)
    except ValidationError as exc:
        raise DomainError(_("%(address)s is not an email address.") % {"address": mailbox.address}) from exc
    for related in (mailbox.brand, mailbox.department):
        if related is not None and related.account_id != mailbox.account_id:
            raise DomainError(_("That brand or department belongs to another account."))
    if mailbox.inbound in (Mailbox.IMAP, Mailbox.POP3):
        _validate_server(mailbox)
    if mailbox.smtp_host:
        if mailbox.smtp_security == "none" and not is_loopback(mailbox.smtp_host):
            raise DomainError(_("Unencrypted SMTP is only allowed to this machine; choose TLS or STARTTLS."))
        mailbox.smtp_port = mailbox.smtp_port or default_port("smtp", mailbox.smtp_security)
    try:
        mailbox.full_clean(exclude=["account", "brand", "department", "public_id"], validate_unique=False)
    except ValidationError as exc:
        field, errors = next(iter(exc.message_dict.items()))
        raise DomainError(f"{field}: {errors[0]}") from exc


def _validate_server(mailbox: Mailbox) -> None:
    if not mailbox.host:
        raise DomainError(_("Enter the server to read mail from."))
    if mailbox.security == "none" and not is_loopback(mailbox.host):
        raise DomainError(_("Unencrypted connections are only allowed to this machine; choose TLS or STARTTLS."))
    mailbox.port = mailbox.port or default_port(mailbox.inbound, mailbox.security)
    mailbox.username = mailbox.username or mailbox.address
    mailbox.folder = mailbox.folder or "INBOX"
    if mailbox.auth == Mailbox.PASSWORD and not mailbox.password:
        raise DomainError(_("Enter the password of the mail account."))
    if mailbox.auth != Mailbox.PASSWORD and not mailbox.oauth_client_id:
        raise DomainError(_("Enter the OAuth client id for signing in with Google or Microsoft."))
    if mailbox.inbound == Mailbox.POP3 and mailbox.after_import in (Mailbox.MARK_SEEN, Mailbox.MOVE):
        raise DomainError(_("POP3 can only leave mail on the server or delete it."))
    if mailbox.after_import == Mailbox.MOVE:
        if not mailbox.move_to_folder:
            raise DomainError(_("Choose the folder imported mail is moved to."))
        if mailbox.move_to_folder == mailbox.folder:
            raise DomainError(_("Imported mail cannot be moved to the folder it is read from."))


def _save(mailbox: Mailbox) -> None:
    try:
        with transaction.atomic():
            mailbox.save()
    except IntegrityError as exc:
        raise Conflict(_("This account has a mailbox with that address already.")) from exc


def _audit_data(mailbox: Mailbox, changed: list[str]) -> dict:
    return {"address": mailbox.address, "changed": sorted(changed)}  # secrets are named, never recorded


@transaction.atomic
def create_mailbox(*, account, name: str, address: str, actor: Actor = SYSTEM, **fields) -> Mailbox:
    """Fields are the mailbox settings in ``EDITABLE`` (inbound, host, security, folder, after_import, …)."""
    ensure_within_limit(account, "mailboxes", current=Mailbox.objects.filter(account=account).count())
    mailbox = Mailbox(account=account)
    changed = _apply(mailbox, {"name": name, "address": address, **fields})
    _validate(mailbox)
    _save(mailbox)
    audit.record(
        account=account, actor=actor, action="mailbox.created", subject=mailbox, data=_audit_data(mailbox, changed)
    )
    return mailbox


@transaction.atomic
def update_mailbox(*, mailbox: Mailbox, actor: Actor = SYSTEM, **fields) -> Mailbox:
    """Only the given fields change; a secret passed as "" is cleared. Moving the source resets UID progress."""
    mailbox = Mailbox.objects.select_for_update().get(pk=mailbox.pk)
    changed = _apply(mailbox, fields)
    if not changed:
        return mailbox
    _validate(mailbox)
    if RESETS_PROGRESS.intersection(changed):
        mailbox.uidvalidity, mailbox.last_uid = None, 0
    if RESETS_TOKEN.intersection(changed):
        mailbox.oauth_access_token, mailbox.oauth_expires_at = "", None
    if {"is_active", "inbound", "host"}.intersection(changed):
        mailbox.last_error = ""
    _save(mailbox)
    audit.record(
        account=mailbox.account,
        actor=actor,
        action="mailbox.updated",
        subject=mailbox,
        data=_audit_data(mailbox, changed),
    )
    return mailbox


@transaction.atomic
def add_accepted_domain(*, mailbox: Mailbox, domain: str, actor: Actor = SYSTEM) -> AcceptedDomain:
    """Mail to any address at ``domain`` reaches ``mailbox`` through the built-in SMTP receiver."""
    domain = (domain or "").strip().lower().rstrip(".")
    if "." not in domain or "@" in domain or " " in domain:
        raise DomainError(_("%(domain)s is not a domain name.") % {"domain": domain})
    try:
        with transaction.atomic():
            accepted = AcceptedDomain.objects.create(account_id=mailbox.account_id, mailbox=mailbox, domain=domain)
    except IntegrityError as exc:
        raise Conflict(_("The domain %(domain)s is accepted by a mailbox already.") % {"domain": domain}) from exc
    audit.record(
        account=mailbox.account,
        actor=actor,
        action="mailbox.domain_added",
        subject=mailbox,
        data={"domain": domain},
    )
    return accepted


@transaction.atomic
def remove_accepted_domain(*, accepted: AcceptedDomain, actor: Actor = SYSTEM) -> None:
    mailbox = accepted.mailbox
    accepted.delete()
    audit.record(
        account=mailbox.account,
        actor=actor,
        action="mailbox.domain_removed",
        subject=mailbox,
        data={"domain": accepted.domain},
    )


@transaction.atomic
def set_accepted_domains(*, mailbox: Mailbox, domains: list[str], actor: Actor = SYSTEM) -> None:
    """Make ``domains`` exactly the mailbox's accepted domains (one audit row per domain added or removed)."""
    wanted = list(dict.fromkeys(d.strip().lower().rstrip(".") for d in domains if d.strip()))
    current = {accepted.domain: accepted for accepted in AcceptedDomain.objects.filter(mailbox=mailbox)}
    for domain, accepted in current.items():
        if domain not in wanted:
            remove_accepted_domain(accepted=accepted, actor=actor)
    for domain in wanted:
        if domain not in current:
            add_accepted_domain(mailbox=mailbox, domain=domain, actor=actor)


@transaction.atomic
def configure_mailbox(
    *, account, fields: dict, domains: list[str], mailbox: Mailbox | None = None, actor: Actor = SYSTEM
) -> Mailbox:
    """The settings screen's save: create (``mailbox`` None) or update, and set the accepted domains, all or nothing.

    ``fields`` as for ``create_mailbox``/``update_mailbox``; a signature is sanitised before it is stored.
    """
    fields = dict(fields)
    if "signature_html" in fields:
        fields["signature_html"] = sanitize_html(fields["signature_html"]) if fields["signature_html"].strip() else ""
    if mailbox is None:
        mailbox = create_mailbox(account=account, actor=actor, **fields)
    else:
        mailbox = update_mailbox(mailbox=mailbox, actor=actor, **fields)
    set_accepted_domains(mailbox=mailbox, domains=domains, actor=actor)
    return mailbox


@transaction.atomic
def delete_mailbox(*, mailbox: Mailbox, actor: Actor = SYSTEM) -> None:
    """Mail already received stays in its tickets; replies to them go out through another active mailbox."""
    audit.record(
        account=mailbox.account,
        actor=actor,
        action="mailbox.deleted",
        subject=mailbox,
        data={"address": mailbox.address},
    )
    mailbox.delete()


# --- the fetchers' bookkeeping: system state, not settings, so no audit row ----------------------------------


def record_fetch_progress(*, mailbox: Mailbox, uidvalidity: int | None, last_uid: int) -> None:
    """IMAP progress: everything up to ``last_uid`` within ``uidvalidity`` is stored and handled on the server."""
    Mailbox.objects.filter(pk=mailbox.pk).update(uidvalidity=uidvalidity, last_uid=last_uid)
    mailbox.uidvalidity, mailbox.last_uid = uidvalidity, last_uid


def record_mailbox_check(*, mailbox: Mailbox, error: str = "") -> None:
    now = clock.now()
    Mailbox.objects.filter(pk=mailbox.pk).update(last_checked_at=now, last_error=error[:2000])
    mailbox.last_checked_at, mailbox.last_error = now, error[:2000]


def store_oauth_tokens(*, mailbox: Mailbox, access_token: str, expires_at, refresh_token: str = "") -> None:
    """A refreshed access token; providers that rotate refresh tokens (Microsoft) send a new one too."""
    updates = {"oauth_access_token": access_token, "oauth_expires_at": expires_at}
    if refresh_token:
        updates["oauth_refresh_token"] = refresh_token
    for name, value in updates.items():
        setattr(mailbox, name, value)
    mailbox.save(update_fields=list(updates))
