from django.urls import path

from . import views

app_name = "rules"

urlpatterns = [
    path("rules/<str:version>/", views.rules_version, name="version"),
]
