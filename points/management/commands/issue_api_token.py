"""``issue_api_token --hotel CODE`` or ``--office PROGRAM``: a token for a hotel's PMS/POS or a program's office.

The token is printed alone on the last line, once: only its SHA-256 and first characters are stored.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from members.models import Program
from points.models import Hotel
from points.services.tokens import api_token_issue


class Command(BaseCommand):
    help = "Issue an API token for one hotel (--hotel CODE) or for a program's office (--office PROGRAM)."

    def add_arguments(self, parser: CommandParser) -> None:
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--hotel", metavar="CODE", help="a hotel's code: the token acts for that hotel only")
        scope.add_argument("--office", metavar="PROGRAM", help="a program's code: the token acts for its office")
        parser.add_argument("--name", default="", help="what the token is for (default: the hotel or the office)")

    def handle(self, *args: Any, **options: Any) -> None:
        hotel = program = None
        if options["hotel"]:
            hotel = Hotel.objects.select_related("program").filter(code=options["hotel"]).first()
            if hotel is None:
                raise CommandError(f"unknown hotel {options['hotel']!r}")
        else:
            program = Program.objects.filter(code=options["office"]).first()
            if program is None:
                codes = ", ".join(Program.objects.order_by("code").values_list("code", flat=True))
                raise CommandError(f"unknown program {options['office']!r} (one of {codes})")
        token, key = api_token_issue(hotel=hotel, program=program, name=options["name"])
        scope = f"hotel {hotel.code} ({hotel.program.code})" if hotel else f"the {program.code} office"
        self.stdout.write(f"Issued API token {token.name!r} for {scope}, prefix {token.prefix}. It is shown only once:")
        self.stdout.write(key)
