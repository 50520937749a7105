"""The one exception handler of the API: every refusal is ``{"code": "...", "detail": "...", "fields": {...}}``.

API.md: a request the platform cannot take is answered with a 4xx status and a JSON body that says what is wrong
(a ``code`` string, a human ``detail`` and the fields at fault), stores nothing, and never a 500. The domain error
tree (``loyalty.exceptions.LoyaltyError`` and every app's subclasses) carries its own ``code``,
``status`` and ``fields``; DRF's own exceptions are mapped here. Anything else is a bug: it is logged and answered
with a JSON 500, never an HTML page.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.views import defaults
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings

from loyalty.exceptions import LoyaltyError, TooLarge

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"


# DRF's exceptions and the contract's codes. The first class an exception is an instance of wins.
DRF_CODES: list[tuple[type[exceptions.APIException], str]] = [
    (exceptions.ParseError, "malformed_json"),
    (exceptions.NotAuthenticated, "not_authenticated"),
    (exceptions.AuthenticationFailed, "not_authenticated"),
    (exceptions.PermissionDenied, "forbidden"),
    (exceptions.NotFound, "not_found"),
    (exceptions.MethodNotAllowed, "method_not_allowed"),
    (exceptions.NotAcceptable, "not_acceptable"),
    (exceptions.UnsupportedMediaType, "unsupported_media_type"),
    (exceptions.Throttled, "throttled"),
]


class ErrorSerializer(serializers.Serializer):
    """The body of every refusal."""

    code = serializers.CharField(help_text="What is wrong, for programs: `invalid`, `not_found`, `forbidden`, ...")
    detail = serializers.CharField(help_text="What is wrong, for people.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="The fields at fault, by path (`legacy.oci`, `payments[0].amount`), each with its messages: "
        '`{"email": ["Enter a valid email address."]}`. Empty when no field is at fault.',
    )


def error_response(description: str) -> OpenApiResponse:
    """A documented refusal, for ``@extend_schema(responses={400: error_response("...")})``."""
    return OpenApiResponse(ErrorSerializer, description=f"{description} Nothing is stored.")


def error_body(code: str, detail: str, fields: Mapping[str, list[str]] | None = None) -> dict[str, Any]:
    return {"code": code, "detail": detail, "fields": dict(fields or {})}


def _text(value: Any) -> str:
    return str(value).strip()


def _join(path: str, key: str | int) -> str:
    """``payments`` + 1 is ``payments[1]`` (an item of a list: ListField, ``many=True``); ``legacy`` + ``oci`` is
    ``legacy.oci``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def flatten_errors(detail: Any, path: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as ``{"a.b[0].c": ["message", ...]}``; errors of the whole body (or of a whole
    nested object) are under ``non_field_errors`` (or the object's path)."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, Mapping):
        for key, value in detail.items():
            sub = (path or key) if key == api_settings.NON_FIELD_ERRORS_KEY else _join(path, key)
            for field, messages in flatten_errors(value, sub).items():
                out.setdefault(field, []).extend(messages)
    elif isinstance(detail, list | tuple):
        for index, value in enumerate(detail):
            if isinstance(value, Mapping | list | tuple):
                if not value:
                    continue  # a valid item of a list of objects
                for field, messages in flatten_errors(value, _join(path, index)).items():
                    out.setdefault(field, []).extend(messages)
            else:
                out.setdefault(path or api_settings.NON_FIELD_ERRORS_KEY, []).append(_text(value))
    else:
        out.setdefault(path or api_settings.NON_FIELD_ERRORS_KEY, []).append(_text(detail))
    return out


def _domain_fields(exc: LoyaltyError) -> dict[str, list[str]]:
    """The ``fields`` a domain error was raised with: ``field="legacy.oci"`` names the one field at fault (its
    message is the detail); ``hotel=["unknown hotel code"]`` gives a field its messages."""
    fields: dict[str, list[str]] = {}
    for key, value in (exc.fields or {}).items():
        if key == "field" and isinstance(value, str):
            fields.setdefault(value, []).append(sentence(exc.detail))
        elif isinstance(value, list | tuple):
            fields.setdefault(key, []).extend(_text(v) for v in value)
        elif isinstance(value, Mapping):
            for sub, messages in flatten_errors(value, key).items():
                fields.setdefault(sub, []).extend(messages)
        else:
            fields.setdefault(key, []).append(_text(value))
    return fields


def sentence(text: str) -> str:
    """``an email address is required`` as ``An email address is required.``"""
    text = _text(text)
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else f"{text}."


def domain_detail(detail: str, fields: Mapping[str, list[str]]) -> str:
    """A domain error's detail as a sentence that names the fields at fault."""
    missing = [name for name in fields if name.lower() not in detail.lower()]
    text = sentence(detail)
    return f"{', '.join(missing)}: {text}" if missing else text


def invalid_detail(fields: Mapping[str, list[str]]) -> str:
    """One sentence naming every field at fault, with its first message."""
    if not fields:
        return "The request is not valid."
    parts = [f"{name}: {messages[0] if messages else 'not valid'}" for name, messages in fields.items()]
    noun = "field is" if len(fields) == 1 else "fields are"
    return f"The request is not valid: {len(fields)} {noun} wrong. " + " ".join(
        part if part.endswith((".", "?", "!")) else part + "." for part in parts
    )


def _codes(codes: Any) -> set[str]:
    """Every error code of a (nested) ``ValidationError.get_codes()``."""
    if isinstance(codes, Mapping):
        return set().union(*(_codes(v) for v in codes.values())) if codes else set()
    if isinstance(codes, list | tuple):
        return set().union(*(_codes(v) for v in codes)) if codes else set()
    return {str(codes)}


def _drf_response(exc: exceptions.APIException) -> Response:
    headers: dict[str, str] = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))

    if isinstance(exc, exceptions.ValidationError):
        fields = flatten_errors(exc.detail)
        # API.md 1.1: an implausible date of a bill or an enrolment has its own code, whatever else is wrong.
        code = "implausible_date" if "implausible_date" in _codes(exc.get_codes()) else "invalid"
        body = error_body(code, invalid_detail(fields), fields)
        return Response(body, status=status.HTTP_400_BAD_REQUEST, headers=headers)

    code = next((code for cls, code in DRF_CODES if isinstance(exc, cls)), None) or _text(exc.default_code)
    detail = exc.detail
    if isinstance(detail, list | dict):
        fields = flatten_errors(detail)
        text = invalid_detail(fields)
    else:
        fields, text = {}, _text(detail)
    if isinstance(exc, exceptions.ParseError):
        text = f"The body is not valid JSON: {text}"
    elif isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        text = f"{text} Send the header `Authorization: Token <token>`."
    return Response(error_body(code, text, fields), status=exc.status_code, headers=headers)


def exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response:
    """DRF's ``EXCEPTION_HANDLER``: every exception of an API view becomes a JSON refusal, never an HTML page."""
    from rest_framework.views import set_rollback  # not at import: rest_framework.views imports the settings' classes

    set_rollback()
    if isinstance(exc, RequestDataTooBig):  # Django's own limit (DATA_UPLOAD_MAX_MEMORY_SIZE): 413, not a 500
        exc = TooLarge(f"the body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes")
    if isinstance(exc, LoyaltyError):
        # A refusal's words are translatable for the office (loyalty.exceptions.refusal_text); the API speaks English.
        with translation.override("en"):
            fields = _domain_fields(exc)
            return Response(error_body(exc.code, domain_detail(exc.detail, fields), fields), status=exc.status)
    if isinstance(exc, Http404):
        return Response(error_body("not_found", _text(exc) or "Not found."), status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, DjangoPermissionDenied):
        detail = _text(exc) or "You do not have permission to perform this action."
        return Response(error_body("forbidden", detail), status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
        )
    if isinstance(exc, exceptions.APIException):
        return _drf_response(exc)
    if isinstance(exc, DataError):
        # A value the database cannot hold (a NUL character, a number out of range) that no shape check caught:
        # the request's fault, so a 400, but logged so the missing check gets added.
        logger.warning("Data error in %s: %s", getattr(context.get("request"), "path", "?"), exc)
        detail = "A value in the request cannot be stored (invalid characters or out of range)."
        return Response(error_body("invalid", detail), status=status.HTTP_400_BAD_REQUEST)

    view = context.get("view")
    request = context.get("request")
    logger.exception(
        "Unexpected error in %s %s (%s)",
        getattr(request, "method", "?"),
        getattr(request, "path", "?"),
        type(view).__name__ if view is not None else "no view",
    )
    return Response(
        error_body("server_error", "Something went wrong on our side. Please try again later."),
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )


# Django-level handlers (a URL that matches no route, an error outside a DRF view). Wire them in loyalty/urls.py:
#     handler404 = "loyalty.api.errors.api_not_found"
#     handler500 = "loyalty.api.errors.api_server_error"
# They answer JSON under /api/ and Django's own pages elsewhere.


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _routes(path: str) -> bool:
    """Whether ``path`` is an address the site answers."""
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def api_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        detail = f"There is no endpoint at {request.path}."
        if not request.path.endswith("/") and _routes(request.path_info + "/"):
            detail += f" Did you mean {request.path}/ (with the final slash)?"
        body = error_body("not_found", detail)
        return JsonResponse(body, status=status.HTTP_404_NOT_FOUND)
    return defaults.page_not_found(request, exception)


def api_server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        body = error_body("server_error", "Something went wrong on our side. Please try again later.")
        return JsonResponse(body, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    return defaults.server_error(request)
