from django.urls import path

from . import api, views

app_name = "analyzer"
urlpatterns = [
    path("", views.analyze_template, name="page"),
    path("api/", api.AnalyzeView.as_view(), name="api"),
    path("start/", views.start_architecture, name="start"),
]
