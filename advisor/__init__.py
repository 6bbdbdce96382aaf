"""The Django project. The Celery app lives in advisor.celery and is imported by the
modules that define tasks (and by `celery --app advisor`), not here, so management
commands and web processes that queue nothing do not pay for importing Celery."""
