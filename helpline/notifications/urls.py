"""Workspace URLs of the notification centre (mounted at /agent/notifications/ by config.urls) and the personal
settings page (/agent/settings/notifications/)."""

from django.urls import path

from helpline.notifications import views

app_name = "notifications"

urlpatterns = [
    path("agent/notifications/", views.notification_list, name="list"),
    path("agent/notifications/bell/", views.bell, name="bell"),
    path("agent/notifications/count/", views.count, name="count"),
    path("agent/notifications/read-all/", views.mark_all_read, name="read-all"),
    path("agent/notifications/<str:public_id>/read/", views.mark_read, name="read"),
    path("agent/notifications/<str:public_id>/open/", views.open_notification, name="open"),
    path("agent/settings/notifications/", views.preferences_page, name="preferences"),
]
