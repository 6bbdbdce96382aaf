from django.contrib import admin
from django.urls import include, path

from . import views

admin.autodiscover()

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("advisor.questionnaire.urls")),
    path("", include("advisor.teams.urls")),
    path("", include("advisor.architectures.urls")),
    path("", include("advisor.jobs.urls")),
    path("", include("patterns.urls")),
    path("api/", include("advisor.api.urls")),
    path("analyze/", include("advisor.analyzer.urls")),
]
