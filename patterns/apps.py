from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_delete, pre_save


class PatternsConfig(AppConfig):
    name = "patterns"
    verbose_name = "Catalogue"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals
        from .models import CATALOGUE_MODELS, Pattern

        for model in CATALOGUE_MODELS:
            post_save.connect(signals.catalogue_changed, sender=model, dispatch_uid=f"catalogue-save-{model.__name__}")
            post_delete.connect(signals.catalogue_changed, sender=model, dispatch_uid=f"catalogue-delete-{model.__name__}")
        m2m_changed.connect(signals.catalogue_changed, sender=Pattern.warnings.through, dispatch_uid="catalogue-m2m")
        from . import history
        from .models import Scenario

        for model in (*CATALOGUE_MODELS, Scenario):
            name = model.__name__
            pre_save.connect(history.before_change, sender=model, dispatch_uid=f"history-pre-save-{name}")
            post_save.connect(history.after_save, sender=model, dispatch_uid=f"history-save-{name}")
            pre_delete.connect(history.before_change, sender=model, dispatch_uid=f"history-pre-delete-{name}")
            post_delete.connect(history.after_delete, sender=model, dispatch_uid=f"history-delete-{name}")
        m2m_changed.connect(history.warnings_changed, sender=Pattern.warnings.through, dispatch_uid="history-m2m")
        post_migrate.connect(signals.load_shipped_catalogue, sender=self, dispatch_uid="catalogue-initial-load")
