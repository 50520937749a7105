from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PointsConfig(AppConfig):
    name = "points"
    verbose_name = _("Points")

    def ready(self):
        from . import checks, reference  # noqa: F401  (checks register themselves)

        reference.connect()
        _connect_endings()


def _connect_endings() -> None:
    """PT2: an ending saved or deleted makes every process read the reference data (and the endings) again."""
    from django.db.models.signals import post_delete, post_save

    from .models import ProgramEnding
    from .reference import reference_changed

    post_save.connect(reference_changed, sender=ProgramEnding, dispatch_uid="reference-points.ProgramEnding")
    post_delete.connect(reference_changed, sender=ProgramEnding, dispatch_uid="reference-delete-points.ProgramEnding")
