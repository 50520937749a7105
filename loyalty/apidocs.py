"""The API's schema and docs (issue 14): served by the project itself (Swagger UI from drf-spectacular-sidecar,
no CDN; the init script as a file, so the Content-Security-Policy needs no inline script) and, in production, only
to staff (signed in to the office) or API token holders (``SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]``)."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView


class _ServePermissionsMixin:
    """``SERVE_AUTHENTICATION`` and ``SERVE_PERMISSIONS`` read on each request (drf-spectacular reads them once,
    at import)."""

    def get_authenticators(self):
        names = settings.SPECTACULAR_SETTINGS.get("SERVE_AUTHENTICATION") or []
        return [import_string(name)() for name in names] or super().get_authenticators()

    def get_permissions(self):
        names = settings.SPECTACULAR_SETTINGS.get("SERVE_PERMISSIONS", ["rest_framework.permissions.AllowAny"])
        return [import_string(name)() for name in names]


class SchemaView(_ServePermissionsMixin, SpectacularAPIView):
    pass


class DocsView(_ServePermissionsMixin, SpectacularSwaggerSplitView):
    pass


schema_view = SchemaView.as_view()
docs_view = DocsView.as_view(url_name="api-schema", template_name="api/swagger_ui.html")
