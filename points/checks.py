"""System checks of the deployment."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    """Processes learn that the reference data changed through the shared cache (points.reference): in memory, a
    change made in one process would go unseen by the others until they restart."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("LocMemCache", "DummyCache")):
        return [
            Warning(
                "CACHES is not shared between processes: reference data changes (hotels, outlets, settings) would "
                "not reach the other web and worker processes.",
                hint="Set REDIS_URL (or CACHE_URL) to the Redis that every process uses.",
                id="loyalty.W001",
            )
        ]
    return []
