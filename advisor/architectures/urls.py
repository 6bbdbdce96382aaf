from django.urls import path

from . import views
import advisor.converters  # noqa: F401  registers <id:...>

app_name = "architectures"
urlpatterns = [
    path("architectures/", views.architecture_list, name="list"),
    path("architectures/save", views.architecture_save, name="save"),
    path("architectures/compare", views.architecture_compare, name="compare"),
    path("architectures/<id:pk>/", views.architecture_detail, name="detail"),
    path("architectures/<id:pk>/edit", views.architecture_edit, name="edit"),
    path("architectures/<id:pk>/revise", views.architecture_revise, name="revise"),
    path("architectures/<id:pk>/delete", views.architecture_delete, name="delete"),
    path("architectures/<id:pk>/diff", views.revision_diff, name="diff"),
    path("architectures/<id:pk>/revisions/<id:number>/", views.revision_detail, name="revision"),
    path("architectures/<id:pk>/revisions/<id:number>/restore", views.revision_restore, name="restore"),
    path("architectures/<id:pk>/revisions/<id:number>/diagram.svg", views.revision_diagram, name="diagram"),
    path("architectures/<id:pk>/revisions/<id:number>/diagram/", views.revision_diagram_page, name="diagram_page"),
    path("architectures/<id:pk>/revisions/<id:number>/export.md", views.revision_markdown, name="export_markdown"),
    path("architectures/<id:pk>/revisions/<id:number>/export.pdf", views.revision_pdf, name="export_pdf"),
    path("architectures/<id:pk>/revisions/<id:number>/share", views.share_create, name="share"),
    path("architectures/<id:pk>/share-links/<id:link>/revoke", views.share_revoke, name="share_revoke"),
    path("shared/<str:token>/", views.shared_revision, name="shared"),
    path("shared/<str:token>/diagram.svg", views.shared_diagram, name="shared_diagram"),
    path("shared/<str:token>/export.md", views.shared_markdown, name="shared_markdown"),
    path("shared/<str:token>/export.pdf", views.shared_pdf, name="shared_pdf"),
]
