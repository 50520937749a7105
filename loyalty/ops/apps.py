from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Counts every database connection and statement of this process (``loyalty.metrics``)."""

    name = "loyalty.ops"
    label = "ops"

    def ready(self) -> None:
        from loyalty import metrics

        metrics.connect()
