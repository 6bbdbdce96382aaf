from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from advisor.jobs import api as jobs

from . import views

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("recommend", views.RecommendView.as_view(), name="recommend"),
    path("teams/", views.TeamList.as_view(), name="teams"),
    path("architectures/", views.ArchitectureList.as_view(), name="architectures"),
    path("architectures/<int:pk>/", views.ArchitectureDetail.as_view(), name="architecture"),
    path("architectures/<int:pk>/today", views.TodayView.as_view(), name="today"),
    path("architectures/<int:pk>/revisions/", views.RevisionList.as_view(), name="revisions"),
    path("architectures/<int:pk>/revisions/<int:number>/", views.RevisionDetail.as_view(), name="revision"),
    path("architectures/<int:pk>/revisions/<int:number>/restore", views.RevisionRestore.as_view(), name="restore"),
    path("architectures/<int:pk>/revisions/<int:number>/generate", jobs.GenerateView.as_view(), name="generate"),
    path("jobs/<int:pk>/", jobs.JobView.as_view(), name="job"),
    path("jobs/<int:pk>/retry", jobs.JobRetryView.as_view(), name="job_retry"),
    path("jobs/<int:pk>/download/<str:kind>", jobs.JobDownloadView.as_view(), name="job_download"),
]
