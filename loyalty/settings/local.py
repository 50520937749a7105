"""The newcomer's mode: DEBUG on, SQLite and eager Celery unless the environment says otherwise."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# The admin without a second factor: the newcomer's machine and the test suite (the OTP tests turn it on).
OTP_ADMIN = env.bool("OTP_ADMIN", default=False)
# runserver answers each request in a new thread: a persistent connection would never be reused.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)  # noqa: F405
