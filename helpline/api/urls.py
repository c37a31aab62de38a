"""The API under /api/v1/: ninja's routes (namespace ``api``), then a problem+json 404 for anything else."""

from django.urls import URLPattern, path, re_path

from helpline.api.app import api
from helpline.api.views import index, not_found, problem_for_not_allowed

_patterns, _app_name, _namespace = api.urls
for _pattern in _patterns:
    if not isinstance(_pattern, URLPattern):
        continue
    if _pattern.name == "api-root":  # ninja's root raises a bare 404; answer with links instead
        _pattern.callback = index
    else:
        _pattern.callback = problem_for_not_allowed(_pattern.callback)

urlpatterns = [
    path("", (_patterns, _app_name, _namespace)),
    re_path(r"^", not_found, name="api-not-found"),
]
