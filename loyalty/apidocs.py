"""The API's schema and docs (issue 14): served by the project itself (Swagger UI from drf-spectacular-sidecar,
no CDN; the init script as a file, so the Content-Security-Policy needs no inline script) and, in production, only
to staff (signed in to the office) or API token holders (``SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]``)."""

from __future__ import annotations

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import BasePermission


class StaffOrApiToken(BasePermission):
    """Staff signed in to the office, or a request with a valid API token."""

    def has_permission(self, request, view) -> bool:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active and user.is_staff:
            return True
        return getattr(request, "auth", None) is not None


schema_view = SpectacularAPIView.as_view()
docs_view = SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html")
