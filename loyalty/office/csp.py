"""The office's Content-Security-Policy (issue 14 over issue 16): django-unfold drives its pages with Alpine.js, whose
standard build evaluates ``x-data`` / ``x-bind`` expressions (``'unsafe-eval'``), and writes an inline ``<style>``
(its theme colours) and ``style`` attributes (``'unsafe-inline'`` styles). Only the admin's paths get these two
additions; every script still loads from this site (no inline script), and My Account keeps the strict policy of
``settings.CONTENT_SECURITY_POLICY``."""

from __future__ import annotations

from django.conf import settings

OFFICE_ADDITIONS = {"script-src": ["'unsafe-eval'"], "style-src": ["'unsafe-inline'"]}


class OfficeCSPMiddleware:
    """Listed after ``loyalty.api.csp.ContentSecurityPolicyMiddleware`` (django-csp's): it marks the office's
    responses before the header is built."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        office = "/" + settings.ADMIN_URL.lstrip("/")
        if request.path_info.startswith(office) and getattr(response, "_csp_update", None) is None:
            response._csp_update = OFFICE_ADDITIONS
        return response
