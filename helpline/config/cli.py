"""The ``helpline`` command: serve, worker, migrate, demo, account, apikey, ingest-email, smtpd, manage."""

from __future__ import annotations

import argparse
import os
import sys

EXIT_CONFIG = 2


def _fail(message: str) -> None:
    print(f"helpline: {message}", file=sys.stderr)
    raise SystemExit(EXIT_CONFIG)


def _setup(*, check_services: bool = True) -> None:
    """Load settings and reach the database (and Redis); one clear line and exit 2 when anything is wrong."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpline.config.settings")
    from helpline.config.environment import ConfigurationError

    try:
        import django

        django.setup()
    except ConfigurationError as exc:
        _fail(str(exc))
    if check_services:
        from helpline.config.services import ServiceUnavailable, check_database, check_redis

        try:
            check_database()
            check_redis()
        except ServiceUnavailable as exc:
            _fail(str(exc))


def cmd_serve(args) -> None:
    _setup()
    from helpline.config.server import serve

    serve(host=args.host, port=args.port, with_worker=not args.no_worker, migrate=not args.no_migrate)


def cmd_worker(args) -> None:
    _setup()
    from helpline.config.server import run_worker

    run_worker(workers=args.workers, scheduler=args.scheduler)


def cmd_migrate(args) -> None:
    _setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1 if args.verbose else 0)
    print("helpline: database is up to date")


def cmd_demo(args) -> None:
    _setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from helpline.demo import create_demo

    result = create_demo()
    print(f"Demo account: {result.account.name} (slug {result.account.slug})")
    print(f"Owner login:  {result.owner_email}")
    print(f"Password:     {result.owner_password}")
    if getattr(result, "chat_snippet", ""):
        print(f"Chat widget:  {result.chat_snippet}")


def cmd_account_create(args) -> None:
    _setup()
    from helpline.core.errors import DomainError
    from helpline.tenancy.actions import create_account

    try:
        account, owner, password = create_account(
            slug=args.slug, name=args.name, owner_email=args.owner_email, plan=args.plan
        )
    except DomainError as exc:
        _fail(str(exc.message))
    print(f"Account {account.slug} created; owner {owner.email}")
    print(password if password else "(the owner already had a login; their password is unchanged)")


def cmd_apikey_create(args) -> None:
    _setup()
    from helpline.core.errors import DomainError
    from helpline.security.actions import create_api_key
    from helpline.tenancy.models import Account

    account = Account.objects.filter(slug=args.account).first()
    if account is None:
        _fail(f"no account with slug {args.account!r}")
    try:
        _key, raw = create_api_key(account=account, name=args.name)
    except DomainError as exc:
        _fail(str(exc.message))
    print(raw)


def cmd_ingest_email(args) -> None:
    """An MTA pipe target: exit 0 when stored, 75 (EX_TEMPFAIL) when the MTA should retry, 67/65/64 otherwise."""
    raw = sys.stdin.buffer.read()  # all of it first, so the MTA never sees a broken pipe
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpline.config.settings")
    try:
        import django

        django.setup()
    except Exception as exc:  # unreadable configuration or data dir: keep the mail queued at the MTA
        print(f"helpline ingest-email: {exc}", file=sys.stderr)
        raise SystemExit(75) from exc
    from helpline.channels.email.transports.pipe import ingest_from_pipe

    raise SystemExit(ingest_from_pipe(account_slug=args.account, mailbox_address=args.mailbox, raw=raw))


def cmd_smtpd(args) -> None:
    _setup()
    from helpline.channels.email.transports.smtpd import serve

    serve(host=args.host, port=args.port)


def cmd_manage(args) -> None:
    _setup(check_services=False)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["helpline manage", *args.rest])


def _usage_error(parser: argparse.ArgumentParser, message: str) -> None:
    parser.print_usage(sys.stderr)
    print(f"{parser.prog}: error: {message}", file=sys.stderr)
    raise SystemExit(64)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="helpline", description="Helpline help desk")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve HTTP and websockets (and run tasks unless --no-worker)")
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.add_argument("--no-worker", action="store_true", help="do not run background tasks in this process")
    serve.add_argument("--no-migrate", action="store_true", help="do not apply migrations at start")
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="run background tasks")
    worker.add_argument("--workers", type=int, default=4)
    worker.add_argument("--scheduler", action="store_true", help="also run periodic jobs (one worker only)")
    worker.set_defaults(func=cmd_worker)

    migrate = sub.add_parser("migrate", help="create or upgrade the database schema")
    migrate.add_argument("--verbose", action="store_true")
    migrate.set_defaults(func=cmd_migrate)

    sub.add_parser("demo", help="create the demo account (idempotent)").set_defaults(func=cmd_demo)

    account = sub.add_parser("account", help="manage accounts").add_subparsers(dest="account_command", required=True)
    create = account.add_parser("create", help="create an account and its owner")
    create.add_argument("--slug", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--owner-email", required=True)
    create.add_argument("--plan", default="enterprise")
    create.set_defaults(func=cmd_account_create)

    apikey = sub.add_parser("apikey", help="manage API keys").add_subparsers(dest="apikey_command", required=True)
    key_create = apikey.add_parser("create", help="create an API key and print it")
    key_create.add_argument("--account", required=True)
    key_create.add_argument("--name", default="CLI")
    key_create.set_defaults(func=cmd_apikey_create)

    ingest = sub.add_parser("ingest-email", help="store one email read from stdin (an MTA pipe target)")
    ingest.add_argument("--account", required=True, help="the account's slug")
    ingest.add_argument("--mailbox", help="the address of the account's mailbox the mail was sent to")
    ingest.set_defaults(func=cmd_ingest_email)
    ingest.error = lambda message: _usage_error(ingest, message)  # EX_USAGE: the MTA must not read it as retry

    smtpd = sub.add_parser("smtpd", help="run the built-in SMTP receiver")
    smtpd.add_argument("--host", default="127.0.0.1")
    smtpd.add_argument("--port", type=int, default=2525)
    smtpd.set_defaults(func=cmd_smtpd)

    manage = sub.add_parser("manage", help="Django management commands", add_help=False)
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
