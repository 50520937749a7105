"""Throttling (issue 14): per-IP and per-account limits on login, sign-up and password reset, and per-token limits
on the API.

django-axes locks one member after repeated failures (per account); that does not stop password spraying (one
password tried on many members from one address) nor the hammering of sign-up and password reset. Here every POST
to those pages counts, in the shared cache (Redis in production), in a fixed window per scope:

* ``<scope>_ip``: per client address (``REMOTE_ADDR``, or the proxy header named by ``THROTTLE_IP_HEADER``);
* ``<scope>_account``: per login name / email typed (the same member whatever alias is typed, for the login).

Rates are settings (``THROTTLE_RATES``, "count/period" with period ``s``, ``m``, ``h``, ``d`` and an optional
number: ``"30/10m"``), with Defaults in ``loyalty/settings/base.py`` and environment overrides. Over the limit the
page answers 429 and does nothing.
"""

from __future__ import annotations

import logging
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from redis.exceptions import RedisError
from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger(__name__)
# The shared cache unreachable: counting is skipped (fail open, logged) rather than refusing every request: the API
# keeps taking bills and members keep logging in while Redis is down (issue 13); django-axes' per-member lockout
# lives in the database and still holds.
CACHE_DOWN = (RedisError, ConnectionError, TimeoutError)

_PERIOD = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\w*\s*$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"30/10m"`` -> (30, 600)."""
    match = _PERIOD.match(rate or "")
    if match is None:
        raise ValueError(f"bad throttle rate {rate!r}: use count/period, e.g. 30/10m")
    count, many, unit = match.groups()
    return int(count), int(many or 1) * _SECONDS[unit]


def client_ip(request) -> str:
    header = getattr(settings, "THROTTLE_IP_HEADER", "")
    if header and request.META.get(header):
        return request.META[header].split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def throttle_hit(*, scope: str, key: str) -> bool:
    """Count one attempt of ``key`` in ``scope``; False when it is over the scope's rate."""
    rate = getattr(settings, "THROTTLE_RATES", {}).get(scope)
    if not rate or not key:
        return True
    limit, period = parse_rate(rate)
    window = int(time.time() // period)
    cache_key = f"throttle:{scope}:{key}:{window}"
    try:
        cache.add(cache_key, 0, timeout=period + 5)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.add(cache_key, 1, timeout=period + 5)
            count = 1
    except CACHE_DOWN as exc:
        logger.warning("Throttle %s not counted: the shared cache is unreachable (%s)", scope, exc)
        return True
    return count <= limit


class ThrottleMixin:
    """A page whose POSTs are limited per client address and per account (``throttle_scope``, the POST field that
    names the account ``throttle_field``). Over a limit: 429 and the page ``registration/throttled.html``."""

    throttle_scope = ""
    throttle_field = ""

    def throttle_account(self, value: str) -> str:
        return (value or "").strip().lower()

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST" and self.throttle_scope:
            allowed = throttle_hit(scope=f"{self.throttle_scope}_ip", key=client_ip(request))
            account = self.throttle_account(request.POST.get(self.throttle_field, "")) if self.throttle_field else ""
            if account:
                allowed = throttle_hit(scope=f"{self.throttle_scope}_account", key=account) and allowed
            if not allowed:
                return render(request, "registration/throttled.html", status=429)
        return super().dispatch(request, *args, **kwargs)


class ApiTokenRateThrottle(SimpleRateThrottle):
    """The API: requests per token (``DEFAULT_THROTTLE_RATES["api_token"]``); requests without a token per address."""

    scope = "api_token"

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except CACHE_DOWN as exc:
            logger.warning("API throttle not counted: the shared cache is unreachable (%s)", exc)
            return True

    def get_cache_key(self, request, view):
        token = getattr(request, "auth", None)
        ident = f"token-{token.pk}" if getattr(token, "pk", None) else f"ip-{client_ip(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
