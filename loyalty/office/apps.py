from django.apps import AppConfig


class OfficeConfig(AppConfig):
    """The office surface: the member workspace and the dashboards on top of the apps' admins."""

    name = "loyalty.office"
    label = "office"
