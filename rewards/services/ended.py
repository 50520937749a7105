"""PT2 for the rewards services: a redemption of a program, hotel or service that ended is refused."""

from __future__ import annotations

import datetime as dt

from members.models import Program
from points import endings

from ..exceptions import ServiceEnded


def ensure_not_ended(*, program: Program, service: str, on: dt.date, hotel_id: int | None = None) -> None:
    """PT2 (Art. 13): refuse ``service`` (certificates, awards, transfers) on ``on`` if the program (after the day
    its points were kept until), the hotel or the service ended."""
    ending = endings.service_ended(program=program, service=service, on=on, hotel_id=hotel_id)
    if ending is not None:
        raise ServiceEnded(
            f"{ending.note or 'this service ended'} (PT2: ended after {ending.ends_on.isoformat()})",
            field="hotel" if ending.scope == "hotel" else "member",
        )
