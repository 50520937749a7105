"""``Idempotency-Key`` on every POST of the API (API.md 1.1, issue 13 item 4): a retry gets the first answer.

A PMS that times out and sends its request again must not get a second certificate, redemption or transfer. With
the header, the first request's answer (status and body) is kept per token and key for 24 hours (Default,
``IDEMPOTENCY_KEY_HOURS``), and a retry with the same key and the same body gets it back and does nothing more;
the same key with another body answers ``409 idempotency_key_reused``.

Both arriving at once: the key's row is inserted first, in the transaction that handles the request and stores
its answer. The duplicate's ``INSERT ... ON CONFLICT DO NOTHING`` waits on the unique index (PostgreSQL) until the
first commits, then finds the row and replays its answer. The request's own writes run in a savepoint: a refusal
(4xx) keeps nothing but its answer; a server error (5xx) keeps nothing at all, key included, so a retry can succeed.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpResponse, QueryDict
from django.utils import timezone
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from loyalty.exceptions import IdempotencyKeyReused, InvalidIdempotencyKey
from points.models import ApiToken, IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
_VISIBLE = re.compile(r"[\x21-\x7e]{1,255}")


class _Refused(Exception):
    """Unwinds the savepoint of a refused request (4xx/5xx) while keeping its answer."""

    def __init__(self, response):
        self.response = response


def _fingerprint(request: Request) -> str:
    data = request.data
    if isinstance(data, QueryDict):
        data = {}
    canonical = json.dumps([request.method, request.path, data], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def _window() -> dt.timedelta:
    return dt.timedelta(hours=getattr(settings, "IDEMPOTENCY_KEY_HOURS", 24))


def _claim(token: ApiToken, key: str, fingerprint: str) -> IdempotencyKey | None:
    """Insert the key (``None``: this request is the first) or return the stored one, locked. Waits while a
    concurrent request holds the same key uncommitted."""
    table = IdempotencyKey._meta.db_table
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (token_id, key, fingerprint, status, body, created_at) VALUES (%s, %s, %s, 0, '', %s)"
            " ON CONFLICT (token_id, key) DO NOTHING",
            [token.pk, key, fingerprint, now],
        )
        if cursor.rowcount == 1:
            return None
    stored = IdempotencyKey.objects.select_for_update().get(token=token, key=key)
    if stored.created_at < now - _window():  # expired: the key starts afresh
        stored.fingerprint, stored.status, stored.body, stored.created_at = fingerprint, 0, "", now
        stored.save(update_fields=["fingerprint", "status", "body", "created_at"])
        return None
    return stored


def _replay(stored: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(stored.body, status=stored.status, content_type="application/json")
    response[REPLAYED] = "true"
    return response


def idempotent(post):
    """Decorate an API view's ``post``: with an ``Idempotency-Key`` header the request is handled once per token
    and key (API.md 1.1)."""

    @functools.wraps(post)
    def handle(view, request: Request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return post(view, request, *args, **kwargs)
        if not _VISIBLE.fullmatch(key):
            raise InvalidIdempotencyKey(
                f"the {HEADER} header must be 1 to 255 visible characters",
                **{HEADER: ["1 to 255 visible ASCII characters, no spaces"]},
            )
        token: ApiToken = request.auth
        fingerprint = _fingerprint(request)  # parses the body first: malformed JSON is refused before any lock
        with transaction.atomic():
            stored = _claim(token, key, fingerprint)
            if stored is not None:
                if stored.fingerprint != fingerprint:
                    raise IdempotencyKeyReused(
                        f"this {HEADER} was used for another request", **{HEADER: ["already used with another body"]}
                    )
                return _replay(stored)
            try:
                with transaction.atomic():
                    try:
                        response = post(view, request, *args, **kwargs)
                    except Exception as exc:
                        response = view.handle_exception(exc)
                    if response.status_code >= 400:
                        raise _Refused(response)
            except _Refused as refused:
                response = refused.response
            if response.status_code >= 500:
                transaction.set_rollback(True)  # nothing kept, not even the key: the retry may succeed
                return response
            body = JSONRenderer().render(response.data) if isinstance(response, Response) else response.content
            IdempotencyKey.objects.filter(token=token, key=key).update(
                status=response.status_code, body=body.decode() if isinstance(body, bytes) else body
            )
        return response

    return handle
