from django.apps import AppConfig
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save


class TeamsConfig(AppConfig):
    name = "advisor.teams"
    label = "teams"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .signals import create_personal_team, join_on_login

        post_save.connect(create_personal_team, sender=settings.AUTH_USER_MODEL, dispatch_uid="teams.personal_team")
        user_logged_in.connect(join_on_login, dispatch_uid="teams.invitation_on_login")
