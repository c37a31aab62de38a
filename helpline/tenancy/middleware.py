"""Put the agent's current account and membership on the request (chosen with the account switcher)."""

from django.utils import translation
from django.utils.functional import SimpleLazyObject


class CurrentAccountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = SimpleLazyObject(lambda: _membership(request))
        if request.user.is_authenticated:
            language = request.user.locale or (request.membership.account.locale if request.membership else "")
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


def _membership(request):
    from helpline.tenancy.selectors import membership_for

    if not request.user.is_authenticated:
        return None
    return membership_for(request.user, request.session.get("account"))
