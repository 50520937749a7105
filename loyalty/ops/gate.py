"""``/ops/staff-gate/``: the reverse proxy's question "may this browser open an operations tool?" (nginx
``auth_request``), so that tools without a sign-in of their own (Flower, Celery's task monitor) sit behind the same
staff sign-in as the office.

The proxy forwards the browser's cookies; the answer is 204 when the session is an active staff user (verified with
their TOTP device where the office requires one: ``OTP_ADMIN``) who holds ``STAFF_GATE_PERMISSION`` (Default: may
change the beat schedules, i.e. operates the jobs; superusers hold every permission), 401 when nobody is signed in (the
proxy then sends the browser to the office's sign-in) and 403 otherwise. Every decision is logged with the user and
the tool's address the proxy names in ``X-Original-URI``."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


def _verified(user) -> bool:
    if not getattr(settings, "OTP_ADMIN", False):
        return True
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


@never_cache
def staff_gate(request):
    user = request.user
    tool = request.META.get("HTTP_X_ORIGINAL_URI", "")[:200]
    if not user.is_authenticated:
        return HttpResponse(status=401)
    permission = settings.STAFF_GATE_PERMISSION
    if not (user.is_active and user.is_staff and _verified(user) and user.has_perm(permission)):
        logger.warning("staff gate refused %s for %s", user.get_username(), tool)
        return HttpResponse(status=403)
    logger.info("staff gate let %s into %s", user.get_username(), tool)
    response = HttpResponse(status=204)
    response["X-Staff-User"] = user.get_username()
    return response
