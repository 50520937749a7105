from django.apps import AppConfig


class PortalConfig(AppConfig):
    """My Account: its template tags and its own translations (``loyalty/portal/locale``)."""

    name = "loyalty.portal"
    label = "portal"
    verbose_name = "My Account"
