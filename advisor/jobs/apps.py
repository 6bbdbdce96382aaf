from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "advisor.jobs"
    label = "jobs"
    verbose_name = "Generation jobs"
    default_auto_field = "django.db.models.BigAutoField"
