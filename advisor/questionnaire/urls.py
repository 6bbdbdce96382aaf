from django.urls import path

from advisor.architectures import views as architecture_views

from . import views

app_name = "questionnaire"
urlpatterns = [
    path("questionnaire/", views.questionnaire, name="start"),
    path("questionnaire/recommendation/", views.recommendation, name="recommendation"),
    path("questionnaire/recommendation/export.md", architecture_views.recommendation_markdown,
         name="recommendation_markdown"),
    path("questionnaire/recommendation/export.pdf", architecture_views.recommendation_pdf, name="recommendation_pdf"),
    path("questionnaire/answers.json", views.download_answers, name="download"),
    path("questionnaire/diagram.svg", views.answers_diagram, name="diagram"),
    path("questionnaire/diagram/", views.answers_diagram_page, name="diagram_page"),
    path("questionnaire/upload/", views.upload_answers, name="upload"),
    path("patterns/", views.pattern_list, name="patterns"),
    path("patterns/<slug:slug>/", views.pattern_detail, name="pattern"),
    path("patterns/<slug:slug>/diagram.svg", views.pattern_diagram, name="pattern_diagram"),
    path("checklist/", views.checklist, name="checklist"),
]
