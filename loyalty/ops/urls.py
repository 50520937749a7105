"""``/health/`` (readiness: database, cache, broker, jobs on schedule), ``/health/live/`` (the process answers),
``/metrics`` (Prometheus, allowed addresses or the token only) and ``/ops/staff-gate/`` (the proxy's staff check in
front of Flower)."""

from django.urls import path

from loyalty.metrics import metrics_view

from . import gate, health

urlpatterns = [
    path("health/", health.health_view, name="health"),
    path("health/live/", health.live_view, name="health-live"),
    path("metrics", metrics_view, name="metrics"),
    path("ops/staff-gate/", gate.staff_gate, name="staff-gate"),
]
