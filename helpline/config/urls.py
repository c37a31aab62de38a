from django.urls import include, path

from helpline.channels.chat.monitoring import views as chat_monitoring_views
from helpline.config import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/v1/", include("helpline.api.urls")),
    path("widget/<str:key>/leave/", chat_monitoring_views.leave, name="chat-widget-leave"),
    path("widget/", include("helpline.channels.chat.urls")),
    path("survey/", include("helpline.surveys.urls")),
    path("", include("helpline.notifications.urls")),
    path("", include("helpline.web.urls")),
]
