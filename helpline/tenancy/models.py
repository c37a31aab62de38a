"""Accounts (tenants), people who work in them, and how they are organised."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils.translation import gettext_lazy as _

from helpline.core.models import PublicIdField, TenantModel
from helpline.tenancy import permissions, plans


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        return self.create_user(email, password, is_staff=True, is_superuser=True, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in: an agent in one or more accounts. Email is the login."""

    public_id = PublicIdField()
    email = models.EmailField(_("email"), unique=True)
    name = models.CharField(_("name"), max_length=150)
    alias = models.CharField(_("alias shown to customers"), max_length=150, blank=True)
    locale = models.CharField(_("language"), max_length=10, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(auto_now_add=True)

    objects = UserManager()
    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    def __str__(self):
        return self.name or self.email

    @property
    def display_name(self) -> str:
        return self.name or self.email


DEFAULT_RESPONSE_MINUTES = 7 * 24 * 60  # as LiveAgent's internal deadline for tickets without an SLA level
TO_SOLVE_QUEUE, TO_SOLVE_LAST_AGENT = "queue", "last_agent"
TO_SOLVE_MODES = [
    (TO_SOLVE_QUEUE, _("By urgency and time in queue")),
    (TO_SOLVE_LAST_AGENT, _("The agent who answered last first")),
]


class Account(models.Model):
    public_id = PublicIdField()
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    plan = models.CharField(_("plan"), max_length=20, choices=list(plans.PLAN_LABELS.items()), default=plans.ENTERPRISE)
    trial_ends_at = models.DateTimeField(_("trial ends"), null=True, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    locale = models.CharField(_("language"), max_length=10, default="en")
    # Tickets waiting on the team get a deadline this much business time ahead until SLA levels set one
    # (helpline.tosolve.deadlines); hours from ``calendar``, around the clock in the account's zone without one.
    calendar = models.ForeignKey(
        "calendars.BusinessCalendar", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    response_minutes = models.PositiveIntegerField(
        _("default response time (minutes)"), default=DEFAULT_RESPONSE_MINUTES
    )
    to_solve_mode = models.CharField(_("To solve order"), max_length=12, choices=TO_SOLVE_MODES, default=TO_SOLVE_QUEUE)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.name


class Role(TenantModel):
    """A custom role: a named set of permissions within one account."""

    public_id = PublicIdField()
    name = models.CharField(_("name"), max_length=100)
    permissions = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "name"], name="role_unique_name")]

    def __str__(self):
        return self.name


class Membership(TenantModel):
    OWNER, ADMIN, AGENT, CUSTOM = "owner", "admin", "agent", "custom"
    ROLE_CHOICES = [(OWNER, _("Owner")), (ADMIN, _("Admin")), (AGENT, _("Agent")), (CUSTOM, _("Custom role"))]

    public_id = PublicIdField()
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=ROLE_CHOICES, default=AGENT)
    custom_role = models.ForeignKey(Role, null=True, blank=True, on_delete=models.PROTECT)
    is_active = models.BooleanField(default=True)
    signature_html = models.TextField(_("email signature"), blank=True)
    # The agent answers only the ticket "To solve" hands them (helpline.tosolve): the queue order cannot be skipped.
    answer_only_to_solve = models.BooleanField(_("answer only through To solve"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "user"], name="membership_unique_user")]

    def __str__(self):
        return f"{self.user} @ {self.account_id}"

    @property
    def permission_set(self) -> frozenset[str]:
        if self.role == self.CUSTOM and self.custom_role:
            return frozenset(self.custom_role.permissions)
        return permissions.ROLE_PERMISSIONS[self.role]

    def has_perm(self, perm: str) -> bool:
        return perm in self.permission_set


class Department(TenantModel):
    public_id = PublicIdField()
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField(User, through="DepartmentMember", related_name="departments")
    # Business hours and the default response time of the department's tickets; empty: the account's.
    calendar = models.ForeignKey(
        "calendars.BusinessCalendar", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    response_minutes = models.PositiveIntegerField(_("default response time (minutes)"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "name"], name="department_unique_name")]
        ordering = ["name"]

    def __str__(self):
        return self.name


class DepartmentMember(TenantModel):
    """An agent in a department, with a role there: a manager also changes the department's members and hours."""

    AGENT, MANAGER = "agent", "manager"
    ROLE_CHOICES = [(AGENT, _("Agent")), (MANAGER, _("Department manager"))]

    department = models.ForeignKey(Department, on_delete=models.CASCADE)
    user = models.ForeignKey(User, on_delete=models.CASCADE)
    role = models.CharField(_("role in the department"), max_length=10, choices=ROLE_CHOICES, default=AGENT)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["department", "user"], name="department_member_unique")]


class Brand(TenantModel):
    public_id = PublicIdField()
    name = models.CharField(_("name"), max_length=100)
    domain = models.CharField(_("domain"), max_length=253, blank=True)
    primary_colour = models.CharField(_("primary colour"), max_length=7, default="#2563eb")
    accent_colour = models.CharField(_("accent colour"), max_length=7, default="#0f766e")
    is_default = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account"], condition=models.Q(is_default=True), name="brand_one_default")
        ]

    def __str__(self):
        return self.name


class Invitation(TenantModel):
    """An agent invited by email; the link carries a token whose hash is stored, and it expires."""

    public_id = PublicIdField()
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Membership.ROLE_CHOICES, default=Membership.AGENT)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
