from django.urls import path

from . import views

app_name = "architectures"
urlpatterns = [
    path("architectures/", views.architecture_list, name="list"),
    path("architectures/save", views.architecture_save, name="save"),
    path("architectures/compare", views.architecture_compare, name="compare"),
    path("architectures/<int:pk>/", views.architecture_detail, name="detail"),
    path("architectures/<int:pk>/edit", views.architecture_edit, name="edit"),
    path("architectures/<int:pk>/delete", views.architecture_delete, name="delete"),
    path("architectures/<int:pk>/diff", views.revision_diff, name="diff"),
    path("architectures/<int:pk>/revisions/<int:number>/", views.revision_detail, name="revision"),
    path("architectures/<int:pk>/revisions/<int:number>/restore", views.revision_restore, name="restore"),
    path("architectures/<int:pk>/revisions/<int:number>/diagram.svg", views.revision_diagram, name="diagram"),
]
