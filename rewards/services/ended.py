"""PT2 for the rewards services: a redemption of a program, hotel or service that ended is refused."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from loyalty.exceptions import refusal_text
from members.models import Program
from points import endings

from ..exceptions import ServiceEnded


def ensure_not_ended(*, program: Program, service: str, on: dt.date, hotel_id: int | None = None) -> None:
    """PT2 (Art. 13): refuse ``service`` (certificates, awards, transfers) on ``on`` if the program (after the day
    its points were kept until), the hotel or the service ended."""
    ending = endings.service_ended(program=program, service=service, on=on, hotel_id=hotel_id)
    if ending is not None:
        raise ServiceEnded(
            refusal_text(
                _("%(note)s (PT2: ended after %(day)s)"),
                note=ending.note or _("this service ended"),
                day=ending.ends_on.isoformat(),
            ),
            field="hotel" if ending.scope == "hotel" else "member",
        )
