"""``/health/`` (readiness: database, cache, broker, jobs on schedule), ``/health/live/`` (the process answers) and
``/metrics`` (Prometheus, allowed addresses or the token only)."""

from django.urls import path

from loyalty.metrics import metrics_view

from . import health

urlpatterns = [
    path("health/", health.health_view, name="health"),
    path("health/live/", health.live_view, name="health-live"),
    path("metrics", metrics_view, name="metrics"),
]
