from django.urls import path

app_name = "questionnaire"
urlpatterns: list = []
