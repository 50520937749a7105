"""pytest mode: fast hashing, in-memory email, eager Celery unless a queue test starts its own worker."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The suite keeps the broker URL (for the queue tests) but runs every other task eagerly.
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TEST_RUNNER = "django.test.runner.DiscoverRunner"
SECRET_KEY = env("SECRET_KEY", default="test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
# django-axes needs the request in authenticate(); the test client's login() has none. Lockout tests turn it on.
AXES_ENABLED = False
# The admin without a second factor, except in the tests about it.
OTP_ADMIN = False
# Each test's connection is its own; the stack tests start real servers with production's defaults.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)  # noqa: F405
