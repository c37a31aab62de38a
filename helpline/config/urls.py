from django.urls import include, path

from helpline.config import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/v1/", include("helpline.api.urls")),
    path("", include("helpline.web.urls")),
]
