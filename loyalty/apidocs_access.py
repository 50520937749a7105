"""Who may read the API's schema and docs in production (issue 14): ``SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]``.
A module of its own: drf-spectacular imports it while its views are being defined (``loyalty.apidocs``)."""

from __future__ import annotations

from rest_framework.permissions import BasePermission


class StaffOrApiToken(BasePermission):
    """Staff signed in to the office, or a request with a valid API token."""

    def has_permission(self, request, view) -> bool:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active and user.is_staff:
            return True
        return getattr(request, "auth", None) is not None
