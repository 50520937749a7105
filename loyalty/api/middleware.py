"""Request handling before any view: chunked bodies read, no slash-appending redirect under ``/api/``, and a NUL
character in a page's input refused.

Bodies sent with ``Transfer-Encoding: chunked`` (no ``Content-Length``), as HTTP clients that stream do.

Django reads exactly ``Content-Length`` bytes of a request (none when it is absent), so a chunked
``{"amount": 5000}`` refund reached the view as no body at all, which means ``{}``: the whole bill (found by a
hostile review of issue 13). The server (gunicorn) gives the de-chunked body in ``wsgi.input``; this middleware,
first in the chain, reads it (at most one byte past the largest body the site takes, so an endless stream cannot
fill the memory) and hands it on with its length, so every parser sees the body the client sent and the size limits
(``413 too_large``) apply to it as to any other."""

from __future__ import annotations

import io

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpResponseBadRequest
from django.middleware.common import CommonMiddleware as DjangoCommonMiddleware
from django.utils.translation import gettext

from .parsers import max_body_bytes

API_PREFIX = "/api/"


def _limit() -> int:
    """The largest body the site takes: the API's limit, or the pages' (Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE``)."""
    return max(max_body_bytes(), settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)


class ChunkedBodyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        if "chunked" in meta.get("HTTP_TRANSFER_ENCODING", "").lower() and not meta.get("CONTENT_LENGTH"):
            stream = meta.get("wsgi.input")
            body = stream.read(_limit() + 1) if stream is not None else b""
            meta["CONTENT_LENGTH"] = str(len(body))
            request._stream = LimitedStream(io.BytesIO(body), len(body))
        return self.get_response(request)


class CommonMiddleware(DjangoCommonMiddleware):
    """Django's, without ``APPEND_SLASH`` under ``/api/``: a ``POST /api/v1/bills`` answered ``301`` with an empty
    body, which clients follow with a ``GET`` (or, with DEBUG, a 500). An API client gets the contract's ``404``
    naming the path it meant instead (``loyalty.api.errors.api_not_found``); pages keep the redirect."""

    def should_redirect_with_slash(self, request):
        if request.path_info.startswith(API_PREFIX):
            return False
        return super().should_redirect_with_slash(request)


class NulCharacterMiddleware:
    """A NUL character (``%00``) in a page's address or form: no field of the platform takes one, and PostgreSQL
    refuses it in text, so a sign-in, a sign-up or a search with it used to end in a 500 (a hostile review of the
    pages). Answered ``400`` naming it, before any view or throttle reads the input. The API refuses it in its
    own terms (``400`` with the contract's body, by its parsers and fields)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(API_PREFIX) and _has_nul(request):
            return HttpResponseBadRequest(
                gettext("The request contains a NUL character (\\0), which no field takes."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def _has_nul(request) -> bool:
    if "\x00" in request.path:
        return True
    sources = [request.GET]
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        sources.append(request.POST)
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for source in sources
        for key, values in source.lists()
    )
