"""The loyalty platform project package: settings, URLs, the Celery app and the pure rulebooks."""

from .celery import app as celery_app

__all__ = ("celery_app",)
