"""Production settings: the base settings behind TLS at a reverse proxy.

`python manage.py check --deploy --settings advisor.settings_production` is clean with
these. SECRET_KEY must come from the environment.
"""

import os

os.environ.setdefault("DJANGO_REQUIRE_SECRET_KEY", "1")
# One proxy (deploy/nginx) stands in front of gunicorn; set NUM_PROXIES=0 when clients
# reach gunicorn directly (make production, compose.yaml).
os.environ.setdefault("NUM_PROXIES", "1")

from .settings import *  # noqa: E402,F401,F403
from .settings import envbool, envint  # noqa: E402

DEBUG = False
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-only-"):  # noqa: F405
    raise RuntimeError("Set SECRET_KEY to a random string of at least 50 characters.")

# The proxy terminates TLS and says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "True")
# Only a local production-like start over plain HTTP turns these off (make production).
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", "True")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

WHITENOISE_USE_FINDERS = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    # Web and workers on different machines share artifacts through S3-compatible storage.
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}

LOGGING["root"]["level"] = os.environ.get("LOG_LEVEL", "INFO")  # noqa: F405
