"""The API's JSON parser: hostile bodies are refused before any view sees them (API.md 1.1 "Hostile input").

* A body over the size limit (``API_MAX_BODY_BYTES``, Default 1 MiB) answers ``413 too_large``: the parser reads
  at most one byte past the limit, whatever the ``Content-Length`` claims.
* Malformed JSON, ``NaN``/``Infinity``, or JSON nested deeper than any request of the contract needs
  (``MAX_DEPTH``) answers ``400 malformed_json``: Python's parser would otherwise recurse until a
  ``RecursionError`` (a 500, issue 13 item 3). So does an object that names a field twice, and a ``\\u`` escape
  of half a character (a lone surrogate, which no text can hold).
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from loyalty.exceptions import TooLarge

# The deepest request of the contract: a bill > room_charged_checks > a check > charges > a charge (5). Twice
# that leaves room for additions; nothing legitimate comes near it.
MAX_DEPTH = 10
DEFAULT_MAX_BODY_BYTES = 1024 * 1024


def max_body_bytes() -> int:
    return int(getattr(settings, "API_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES))


def _reject_constant(value: str) -> None:
    raise ValueError(f"{value} is not valid JSON")


def _too_deep(raw: str, limit: int) -> bool:
    """True when brackets outside strings nest deeper than ``limit``: checked before parsing, so a body nested a
    million levels deep costs one pass over its characters, not a recursion."""
    if raw.count("[") + raw.count("{") <= limit:
        return False
    depth = 0
    in_string = escaped = False
    for char in raw:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def loads(raw: bytes, *, encoding: str = "utf-8") -> Any:
    """Strict JSON of a request body, or ``ParseError`` (``malformed_json``) naming what is wrong."""
    try:
        text = raw.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise ParseError(f"the body is not {encoding} text") from exc
    if _too_deep(text, MAX_DEPTH):
        raise ParseError(f"the JSON is nested deeper than {MAX_DEPTH} levels")
    try:
        data = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
    except RecursionError as exc:  # belt and braces: the depth check above should have caught it
        raise ParseError("the JSON is nested too deeply") from exc
    except ValueError as exc:
        raise ParseError(str(exc)) from exc
    if _SURROGATE_ESCAPE.search(text):
        try:  # a \ud800 escape without its pair is no character: it cannot be stored, nor fingerprinted
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ParseError("the JSON holds a \\u escape of half a character (a lone surrogate)") from exc
    return data


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict:
    """An object naming a field twice is ambiguous (which one did the client mean?): refused, not the last taken."""
    data = dict(pairs)
    if len(data) != len(pairs):
        seen: set[str] = set()
        twice = next(key for key, _ in pairs if key in seen or seen.add(key))
        raise ValueError(f'the field "{twice}" is given twice')
    return data


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with a size limit, a depth limit and strict constants."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = max_body_bytes()
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            raw = stream.read(limit + 1) if stream is not None else b""
        except RequestDataTooBig as exc:
            raise TooLarge(f"the body is larger than {limit:,} bytes") from exc
        if len(raw) > limit:
            raise TooLarge(f"the body is larger than {limit:,} bytes")
        return loads(raw, encoding=encoding)
