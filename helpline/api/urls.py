from django.urls import path

from helpline.api.app import api

urlpatterns = [path("", api.urls)]
