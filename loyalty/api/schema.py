"""What the served OpenAPI schema says of every operation, added once here rather than on each view (API.md 1.1).

* ``401 not_authenticated`` on every operation: any of them may be called without a token or with a revoked one.
* On every ``POST``: the ``Idempotency-Key`` header, ``409 idempotency_key_reused`` and ``413 too_large``; a
  ``400`` (``malformed_json``, ``implausible_date``, ``invalid``) where a view documents none.
"""

from __future__ import annotations

from typing import Any

ERROR_REF = {"$ref": "#/components/schemas/Error"}

IDEMPOTENCY_KEY = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7e]+$"},
    "description": "1 to 255 visible characters. A request repeated with the same key by the same token within 24 "
    "hours gets the first answer (status and body) and does nothing more, even when both arrive at once; the same "
    "key with another body answers 409 `idempotency_key_reused`.",
}


def _error(description: str) -> dict[str, Any]:
    return {"description": f"{description} Nothing is stored.", "content": {"application/json": {"schema": ERROR_REF}}}


ADDED = {
    "401": "`not_authenticated`: no token, an unknown or a revoked token.",
}
ADDED_TO_POST = {
    "400": "`malformed_json` (not JSON, or nested too deeply), `implausible_date`, `invalid`.",
    "409": "`idempotency_key_reused`: this Idempotency-Key came with another body.",
    "413": "`too_large`: the body is over the size limit (Default 1 MiB).",
}


def add_common_responses(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """drf-spectacular postprocessing hook (``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``)."""
    for path, operations in (result.get("paths") or {}).items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            added = dict(ADDED)
            if method == "post":
                added.update(ADDED_TO_POST)
                parameters = operation.setdefault("parameters", [])
                if not any(p.get("name") == IDEMPOTENCY_KEY["name"] for p in parameters):
                    parameters.append(dict(IDEMPOTENCY_KEY))
            for status, description in added.items():
                if status not in responses:
                    responses[status] = _error(description)
                elif status == "409" and "idempotency_key_reused" not in responses[status].get("description", ""):
                    responses[status]["description"] += " Or `idempotency_key_reused` (API.md 1.1)."
    return result
