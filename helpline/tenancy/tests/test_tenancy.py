from datetime import timedelta

import pytest

from helpline.channels.email.models import Mailbox
from helpline.core.errors import Conflict, DomainError, LimitReached, NotFound
from helpline.security.actions import create_api_key
from helpline.tenancy import actions
from helpline.tenancy.models import Brand, Department, Membership, User
from helpline.tenancy.plans import ensure_within_limit, limit_for
from helpline.tenancy.usage import usage_report


def test_new_account_has_owner_default_brand_and_department(account):
    membership = Membership.objects.get(account=account)
    assert membership.role == "owner"
    assert membership.user.email == "owner@acme.test"
    assert membership.user.check_password("correct-horse-battery")
    assert list(Brand.objects.filter(account=account).values_list("name", "is_default")) == [("Acme", True)]
    assert list(Department.objects.filter(account=account).values_list("name", flat=True)) == ["Support"]


def test_passwords_are_hashed_with_argon2(db, settings):
    from helpline.config import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    user = User.objects.create_user("hash@x.test", "correct-horse-battery", name="H")
    assert user.password.startswith("argon2$argon2id$")


def test_slug_must_be_clean_and_unique(account):
    with pytest.raises(DomainError):
        actions.create_account(slug="Bad Slug", name="x", owner_email="x@x.test")
    with pytest.raises(Conflict):
        actions.create_account(slug="acme", name="x", owner_email="x@x.test")


def test_free_plan_limits_departments_with_a_clear_message(make_account):
    free = make_account("tiny", plan="free")
    assert limit_for("free", "departments") == 1
    with pytest.raises(LimitReached) as raised:
        actions.create_department(account=free, name="Billing")
    assert str(raised.value) == "Your Free plan allows 1 departments; you have 1. Upgrade to add more."
    assert Department.objects.filter(account=free).count() == 1


def test_api_key_limit(make_account):
    free = make_account("tiny", plan="free")
    create_api_key(account=free, name="one")
    with pytest.raises(LimitReached):
        create_api_key(account=free, name="two")


def test_enterprise_is_unlimited(account):
    ensure_within_limit(account, "departments", current=10_000)


def test_usage_report_counts(account, agent):
    report = {row["key"]: (row["used"], row["limit"]) for row in usage_report(account)}
    assert report["agents"] == (2, None)
    assert report["departments"] == (1, None)
    assert report["knowledge_bases"] == (None, 5)
    assert report["mailboxes"] == (0, None)
    Mailbox.objects.create(account=account, name="Support", address="support@usage.test")
    assert {row["key"]: row["used"] for row in usage_report(account)}["mailboxes"] == 1


def test_roles_and_permissions(account, agent):
    membership = Membership.objects.get(account=account, user=agent)
    assert membership.has_perm("tickets.work")
    assert not membership.has_perm("settings.manage")
    role = actions.create_role(account=account, name="Supervisor", permission_keys=["reports.view", "tickets.work"])
    actions.change_role(membership=membership, role="custom", custom_role=role)
    membership.refresh_from_db()
    assert membership.permission_set == frozenset({"reports.view", "tickets.work"})
    with pytest.raises(DomainError):
        actions.create_role(account=account, name="Bad", permission_keys=["root"])


def test_last_owner_cannot_be_demoted(account, owner):
    membership = Membership.objects.get(account=account, user=owner)
    with pytest.raises(DomainError):
        actions.change_role(membership=membership, role="agent")
    assert Membership.objects.get(pk=membership.pk).role == "owner"


def test_invitation_flow_and_expiry(account, owner, mailoutbox):
    invitation, token = actions.invite_agent(account=account, email="New@Agent.test")
    assert invitation.email == "new@agent.test"
    assert invitation.token_hash != token
    membership = actions.accept_invitation(token=token, name="Nora New", password="a-long-password")
    assert (membership.account, membership.user.email, membership.role) == (account, "new@agent.test", "agent")
    with pytest.raises(NotFound):
        actions.accept_invitation(token=token, name="x", password="a-long-password")

    expired, expired_token = actions.invite_agent(account=account, email="late@agent.test")
    expired.expires_at -= timedelta(days=8)
    expired.save()
    with pytest.raises(NotFound, match="expired"):
        actions.accept_invitation(token=expired_token, name="x", password="a-long-password")
    assert not User.objects.filter(email="late@agent.test").exists()


def test_department_members_must_belong_to_the_account(account, other_account, agent):
    department = Department.objects.get(account=account)
    actions.set_department_members(department=department, users=[agent])
    assert list(department.members.all()) == [agent]
    with pytest.raises(DomainError):
        actions.set_department_members(department=department, users=[other_account.owner])
    assert list(department.members.all()) == [agent]


def test_one_default_brand(account):
    second = actions.create_brand(account=account, name="Second", make_default=True)
    assert list(Brand.objects.filter(account=account, is_default=True)) == [second]
    with pytest.raises(DomainError):
        actions.create_brand(account=account, name="Bad", primary_colour="red")


def test_only_an_owner_grants_or_removes_the_owner_role(account, owner, make_agent):
    from helpline.core.actors import Actor
    from helpline.core.errors import PermissionDenied

    admin = make_agent(account, "admin@acme.test", role="admin")
    target = Membership.objects.get(account=account, user=make_agent(account, "t@acme.test"))
    with pytest.raises(PermissionDenied):
        actions.change_role(membership=target, role="owner", actor=Actor(user=admin))
    assert Membership.objects.get(pk=target.pk).role == "agent"
    actions.change_role(membership=target, role="owner", actor=Actor(user=owner))
    assert Membership.objects.get(pk=target.pk).role == "owner"


def test_nobody_deactivates_themselves(account, make_agent):
    from helpline.core.actors import Actor

    admin = make_agent(account, "admin@acme.test", role="admin")
    membership = Membership.objects.get(account=account, user=admin)
    with pytest.raises(DomainError):
        actions.deactivate_member(membership=membership, actor=Actor(user=admin))
    assert Membership.objects.get(pk=membership.pk).is_active


def test_account_settings_are_validated(account):
    for changes in ({"name": "  "}, {"locale": "xx"}, {"timezone": "Mars/Olympus"}, {"plan": "gold"}, {"x": 1}):
        with pytest.raises(DomainError):
            actions.update_account(account=account, **changes)
    actions.update_account(account=account, name="Acme Ltd", locale="de", timezone="Europe/Berlin")
    account.refresh_from_db()
    assert (account.name, account.locale, account.timezone) == ("Acme Ltd", "de", "Europe/Berlin")
