from django.apps import AppConfig


class ArchitecturesConfig(AppConfig):
    name = "advisor.architectures"
    label = "architectures"
    default_auto_field = "django.db.models.BigAutoField"
