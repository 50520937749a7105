"""URLs: My Account at the root, the admin at ADMIN_URL (from the environment), the API under /api/."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from loyalty.office.site import admin_site_urls

urlpatterns = [
    path(settings.ADMIN_URL, admin_site_urls(admin.site)),  # + dashboards; OTPAdminSite when settings.OTP_ADMIN
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include([path("", include("points.api.urls")), path("", include("rewards.api.urls"))])),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("loyalty.ops.urls")),  # /health/, /health/live/, /metrics
    path("", include("loyalty.portal.urls")),
]

# JSON 404/500 for /api/ paths (the contract's error body); Django's own pages elsewhere.
handler404 = "loyalty.api.errors.api_not_found"
handler500 = "loyalty.api.errors.api_server_error"
# A refusal in the admin is a page in the office's look with a way back (Django's own page elsewhere).
handler403 = "loyalty.office.errors.permission_denied"
