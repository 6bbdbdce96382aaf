from django.urls import path

from . import views
import advisor.converters  # noqa: F401  registers <id:...>

app_name = "jobs"
urlpatterns = [
    path("architectures/<id:pk>/revisions/<id:number>/generate", views.generate, name="generate"),
    path("jobs/<id:pk>/", views.detail, name="detail"),
    path("jobs/<id:pk>/retry", views.retry, name="retry"),
    path("jobs/<id:pk>/download/<str:kind>", views.download, name="download"),
]
