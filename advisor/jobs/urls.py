from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("architectures/<int:pk>/revisions/<int:number>/generate", views.generate, name="generate"),
    path("jobs/<int:pk>/", views.detail, name="detail"),
    path("jobs/<int:pk>/retry", views.retry, name="retry"),
    path("jobs/<int:pk>/download/<str:kind>", views.download, name="download"),
]
