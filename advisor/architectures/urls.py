from django.urls import path

app_name = "architectures"
urlpatterns: list = []
