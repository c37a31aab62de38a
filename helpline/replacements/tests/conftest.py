"""The API clients of helpline.api's tests, for this app's API tests."""

from helpline.api.tests.conftest import api, other_api  # noqa: F401
