"""Widget URLs, mounted under /widget/ by helpline.config.urls."""

from django.urls import path

from helpline.channels.chat import views

urlpatterns = [
    path("<str:key>.js", views.loader_script, name="chat-widget-js"),
    path("<str:key>/frame/", views.frame, name="chat-widget-frame"),
    path("<str:key>/chats/", views.start, name="chat-widget-start"),
    path("<str:key>/offline/", views.offline, name="chat-widget-offline"),
    path("<str:key>/files/", views.upload, name="chat-widget-upload"),
    path("files/<str:token>/", views.download, name="chat-widget-file"),
]
