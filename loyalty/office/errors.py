"""A refusal in the office is a page in the office's look, with a way back (``handler403`` in ``loyalty/urls.py``);
elsewhere Django's own 403 page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views import defaults


def permission_denied(request, exception=None):
    admin_prefix = "/" + settings.ADMIN_URL.lstrip("/")
    user = getattr(request, "user", None)
    if not request.path.startswith(admin_prefix) or not getattr(user, "is_staff", False):
        return defaults.permission_denied(request, exception)
    message = ""
    if exception is not None and exception.args and isinstance(exception.args[0], str):
        message = exception.args[0]
    context = {**admin.site.each_context(request), "title": _("Not for your office"), "message": message}
    response = TemplateResponse(request, "admin/403.html", context, status=403)
    return response.render()
