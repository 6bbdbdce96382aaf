from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from advisor.jobs import api as jobs

from . import views
import advisor.converters  # noqa: F401  registers <id:...>

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("recommend", views.RecommendView.as_view(), name="recommend"),
    path("teams/", views.TeamList.as_view(), name="teams"),
    path("architectures/", views.ArchitectureList.as_view(), name="architectures"),
    path("architectures/<id:pk>/", views.ArchitectureDetail.as_view(), name="architecture"),
    path("architectures/<id:pk>/today", views.TodayView.as_view(), name="today"),
    path("architectures/<id:pk>/revisions/", views.RevisionList.as_view(), name="revisions"),
    path("architectures/<id:pk>/revisions/<id:number>/", views.RevisionDetail.as_view(), name="revision"),
    path("architectures/<id:pk>/revisions/<id:number>/restore", views.RevisionRestore.as_view(), name="restore"),
    path("architectures/<id:pk>/revisions/<id:number>/generate", jobs.GenerateView.as_view(), name="generate"),
    path("jobs/<id:pk>/", jobs.JobView.as_view(), name="job"),
    path("jobs/<id:pk>/retry", jobs.JobRetryView.as_view(), name="job_retry"),
    path("jobs/<id:pk>/download/<str:kind>", jobs.JobDownloadView.as_view(), name="job_download"),
]
