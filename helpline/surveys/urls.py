from django.urls import path

from helpline.surveys import views

app_name = "surveys"

urlpatterns = [path("<str:token>/", views.survey, name="survey")]
