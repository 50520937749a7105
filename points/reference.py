"""The reference data every bill is judged with: hotels (with their program), their outlets and outlet designations
(NE2), the program settings (PT1), and the API tokens that report them. It changes a few times a year and is read
on every bill, so each process keeps it in memory and reads it again as soon as any process changed it (a revoked
token is refused from the next request on, in every process).

How a change is seen everywhere: saving or deleting any of those rows replaces a version token in the shared
cache (Redis in production: ``CACHES``), at once and again when the transaction commits; each request compares the
token with the one its process read the data under (one cache GET) and starts afresh when they differ.

When the cache is down (issue 13 item 5), a process cannot learn of changes, so it trusts nothing it holds: each
request reads the reference data it needs from the database again (a few primary-key reads), and the API keeps
taking bills. The cache is tried again after ``CACHE_RETRY_SECONDS``; a failed version bump is logged, not raised,
and owed: the process that made the change bumps the version as soon as it reaches the cache again (a token revoked
during a short outage would otherwise stay trusted, after it, by processes that held it and served nothing during
the outage). Whatever else goes wrong, no process keeps its copy longer than ``REFERENCE_MAX_AGE_SECONDS``
(Default 60).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from members.models import Program, ProgramSettings
from members.selectors import settings_in_force

from .models import ApiToken, Hotel, Outlet, OutletDesignation

VERSION_KEY = "loyalty:reference:version"
CACHE_RETRY_SECONDS = 5.0
DEFAULT_MAX_AGE_SECONDS = 60.0

logger = logging.getLogger(__name__)
_cache_down_until = 0.0  # monotonic time before which this process does not try the cache again
_bump_owed = False  # a change of this process could not bump the version: done at the next contact with the cache


class Reference:
    """One process's copy of the reference data, filled as it is asked for."""

    def __init__(self, version: str | None):
        self.version = version
        self.read_at = time.monotonic()
        self._hotels: dict[str, Hotel | None] = {}
        self._outlets: dict[int, dict[str, Outlet]] = {}
        self._designations: dict[int, list[OutletDesignation]] = {}
        self._periods: dict[int, dict[str, tuple[tuple[dt.date, bool], ...]]] = {}
        self._settings: dict[int, list[ProgramSettings]] = {}
        self._tokens: dict[str, ApiToken | None] = {}

    def token(self, key_hash: str) -> ApiToken | None:
        """The API token with this SHA-256, revoked or not (the caller decides)."""
        if key_hash not in self._tokens:
            if len(self._tokens) > 10_000:  # hashes of made-up tokens must not fill the memory
                self._tokens.clear()
            self._tokens[key_hash] = (
                ApiToken.objects.select_related("hotel", "hotel__program", "program").filter(key_hash=key_hash).first()
            )
        return self._tokens[key_hash]

    def hotel(self, code: str) -> Hotel | None:
        if code not in self._hotels:
            self._hotels[code] = Hotel.objects.select_related("program").filter(code=code).first()
        return self._hotels[code]

    def outlets_of(self, hotel: Hotel) -> dict[str, Outlet]:
        """The hotel's outlets by code."""
        if hotel.pk not in self._outlets:
            self._designations[hotel.pk] = list(
                OutletDesignation.objects.filter(outlet__hotel=hotel).order_by("effective_from", "id")
            )
            self._outlets[hotel.pk] = {o.code: o for o in Outlet.objects.filter(hotel=hotel)}
        return self._outlets[hotel.pk]

    def designated_on(self, hotel: Hotel, on: dt.date) -> frozenset[str]:
        """NE2: the outlets designated on the date of use (the latest designation row on or before it)."""
        by_id = {o.pk: code for code, o in self.outlets_of(hotel).items()}
        state: dict[str, bool] = {}
        for row in self._designations[hotel.pk]:
            if row.effective_from <= on:
                state[by_id[row.outlet_id]] = row.designated
        return frozenset(code for code, designated in state.items() if designated)

    def designation_periods(self, hotel: Hotel) -> dict[str, tuple[tuple[dt.date, bool], ...]]:
        """NE2 by date of use: each outlet code's designation changes ``(effective_from, designated)`` in date
        order, the plain data the rulebook's context carries (built once per process and reference version)."""
        if hotel.pk not in self._periods:
            by_id = {o.pk: code for code, o in self.outlets_of(hotel).items()}
            periods: dict[str, list[tuple[dt.date, bool]]] = {}
            for row in self._designations[hotel.pk]:
                periods.setdefault(by_id[row.outlet_id], []).append((row.effective_from, row.designated))
            self._periods[hotel.pk] = {code: tuple(changes) for code, changes in periods.items()}
        return self._periods[hotel.pk]

    def settings_on(self, program: Program, on: dt.date) -> ProgramSettings | None:
        """PT1: the program's settings in force on ``on``."""
        if program.pk not in self._settings:
            self._settings[program.pk] = list(
                ProgramSettings.objects.filter(program=program).order_by("effective_from")
            )
        return settings_in_force(self._settings[program.pk], on)


_local = threading.local()  # one copy per thread: nothing is shared half-filled between threads


def _cache_failed(action: str, exc: Exception) -> None:
    global _cache_down_until
    if time.monotonic() >= _cache_down_until:
        logger.warning(
            "The shared cache is unreachable (%s: %s): reference data is read from the database", action, exc
        )
    _cache_down_until = time.monotonic() + CACHE_RETRY_SECONDS


def _shared_version() -> str | None:
    """The version token in the shared cache; ``None`` when the cache is down."""
    if time.monotonic() < _cache_down_until:
        return None
    global _bump_owed
    try:
        if _bump_owed:  # a change made while the cache was down: every process must read the data again
            cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
            _bump_owed = False
            logger.info("The shared cache is back: the reference version owed since the outage is bumped")
        version = cache.get(VERSION_KEY)
        if version is None:  # first use, or the cache was flushed: start a version everyone will share
            cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
            version = cache.get(VERSION_KEY)
    except Exception as exc:  # any client error (connection refused, timeout): the cache is down
        _cache_failed("reading the version", exc)
        return None
    return version


def reference() -> Reference:
    """This process's reference data, read again if any process changed it since (or, with the cache down, read
    afresh from the database). Within one web request the version is asked of the shared cache once: the request's
    later reads (the token, the hotel, the outlets of one bill) see the same data, unless the request changes it."""
    pinned = getattr(_local, "pinned", None)
    if pinned is not None:
        return pinned
    current = _reference()
    if getattr(_local, "in_request", False):
        _local.pinned = current
    return current


def _request_started(**kwargs) -> None:
    _local.in_request, _local.pinned = True, None


def _request_finished(**kwargs) -> None:
    _local.in_request, _local.pinned = False, None


def _reference() -> Reference:
    version = _shared_version()
    if version is None:  # no way to learn of changes: nothing read before this request is trusted
        current = _local.reference = Reference(None)
        return current
    current = getattr(_local, "reference", None)
    if current is None or current.version != version or time.monotonic() - current.read_at > _max_age():
        current = _local.reference = Reference(version)
    return current


def reference_changed(**kwargs) -> None:
    """A reference row was saved or deleted: every process reads the reference data again, now (this process,
    and others that would read it before the commit) and when the transaction commits."""
    _bump()
    transaction.on_commit(_bump)


def _max_age() -> float:
    return float(getattr(settings, "REFERENCE_MAX_AGE_SECONDS", DEFAULT_MAX_AGE_SECONDS))


def _bump() -> None:
    global _bump_owed
    _local.reference = _local.pinned = None
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception as exc:  # the change is saved; processes read the database while the cache is down
        _bump_owed = True
        _cache_failed("bumping the version", exc)


def connect() -> None:
    request_started.connect(_request_started, dispatch_uid="reference-request-started")
    request_finished.connect(_request_finished, dispatch_uid="reference-request-finished")
    for model in (Program, ProgramSettings, Hotel, Outlet, OutletDesignation, ApiToken):
        post_save.connect(reference_changed, sender=model, dispatch_uid=f"reference-{model._meta.label}")
        post_delete.connect(reference_changed, sender=model, dispatch_uid=f"reference-delete-{model._meta.label}")
