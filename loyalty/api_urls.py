"""The integration API's version 1 (API.md), mounted at /api/v1/ by loyalty/urls.py."""

from django.urls import include, path

urlpatterns = [
    path("", include("points.api.urls")),
    path("", include("rewards.api.urls")),
]
