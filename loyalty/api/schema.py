"""What the served OpenAPI schema says of every operation, added once here rather than on each view (API.md 1.1).

* ``401 not_authenticated`` on every operation: any of them may be called without a token or with a revoked one.
* On every ``POST``: the ``Idempotency-Key`` header, ``409 idempotency_key_reused`` and ``413 too_large``; a
  ``400`` (``malformed_json``, ``implausible_date``, ``invalid``) where a view documents none.
* OpenAPI links (``LINKS``): what an answer lets a client do next (a recorded bill can be refunded, an enrolled
  member's account read, ...). Client generators show them, and schemathesis' stateful run follows them, so its
  requests reach the logic behind the 404s (issue 13).
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


def _link(operation_id: str, description: str, **parameters: str) -> dict[str, Any]:
    return {"operationId": operation_id, "description": description, "parameters": parameters}


_CARD_OF_ENROLMENT = "$response.body#/number"
_CARD_IN_PATH = "$request.path.card"
# operationId -> the answers that carry links -> {link name: link}
LINKS: dict[str, tuple[tuple[str, ...], dict[str, dict[str, Any]]]] = {
    "bills_report": (
        ("201", "200"),
        {
            "RefundTheBill": _link(
                "bills_refund",
                "Refund this bill, in part or whole (R1).",
                hotel="$response.body#/hotel",
                number="$response.body#/number",
            ),
            "TheMembersAccount": _link(
                "members_account", "The account of the member the bill earned for.", card="$response.body#/member"
            ),
        },
    ),
    "members_enroll": (
        ("201",),
        {
            "TheAccount": _link("members_account", "The new member's account.", card=_CARD_OF_ENROLMENT),
            "RequestCertificates": _link(
                "rewards_certificates_request", "Request certificates for the new member.", card=_CARD_OF_ENROLMENT
            ),
            "RedeemAnAward": _link("rewards_award_redeem", "Redeem an award.", card=_CARD_OF_ENROLMENT),
            "Qualification": _link(
                "members_qualification", "The member's status qualification.", card=_CARD_OF_ENROLMENT
            ),
            "CancelTheMembership": _link("members_cancel", "Cancel the membership.", card=_CARD_OF_ENROLMENT),
        },
    ),
    "members_account": (
        ("200",),
        {
            "Qualification": _link("members_qualification", "The member's status qualification.", card=_CARD_IN_PATH),
            "RequestCertificates": _link(
                "rewards_certificates_request", "Request certificates for this member.", card=_CARD_IN_PATH
            ),
            "RedeemAnAward": _link("rewards_award_redeem", "Redeem an award for this member.", card=_CARD_IN_PATH),
        },
    ),
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
            statuses, links = LINKS.get(operation.get("operationId", ""), ((), {}))
            for status in statuses:
                if status in responses:
                    responses[status].setdefault("links", {}).update(links)
            for status, description in added.items():
                if status not in responses:
                    responses[status] = _error(description)
                elif status == "409" and "idempotency_key_reused" not in responses[status].get("description", ""):
                    responses[status]["description"] += " Or `idempotency_key_reused` (API.md 1.1)."
    return result
