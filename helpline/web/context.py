"""Template context shared by every workspace page. Lazy: partials that do not use it cost no query."""

from django.utils.functional import SimpleLazyObject


def workspace(request):
    membership = getattr(request, "membership", None)
    user = getattr(request, "user", None)

    def memberships():
        from helpline.tenancy.selectors import memberships_of

        return memberships_of(user) if user is not None and user.is_authenticated else []

    def can_open_settings():
        from helpline.web.views.settings.sections import visible_sections

        return bool(membership and visible_sections(membership))

    return {
        "membership": membership,
        "account": SimpleLazyObject(lambda: getattr(membership, "account", None)),
        "account_memberships": SimpleLazyObject(memberships),
        "can_open_settings": can_open_settings,
    }
