from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "advisor.jobs"
    label = "jobs"
    verbose_name = "Generation jobs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from patterns.models import CATALOGUE_MODELS

        from .artifacts import job_deleted
        from .models import GenerationJob

        post_delete.connect(job_deleted, sender=GenerationJob, dispatch_uid="remove-job-artifacts")

        for model in CATALOGUE_MODELS:
            post_save.connect(catalogue_changed, sender=model, dispatch_uid=f"reevaluate-save-{model.__name__}")
            post_delete.connect(catalogue_changed, sender=model, dispatch_uid=f"reevaluate-delete-{model.__name__}")


def catalogue_changed(sender, **kwargs) -> None:
    # Imported when a catalogue row changes, not at start-up: the re-evaluation pulls in the
    # architectures and teams code, which commands such as `generate` never use.
    from .reevaluation import catalogue_changed as handler

    handler(sender, **kwargs)
