from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PointsConfig(AppConfig):
    name = "points"
    verbose_name = _("Points")

    def ready(self):
        from . import checks, reference  # noqa: F401  (checks register themselves)

        reference.connect()
