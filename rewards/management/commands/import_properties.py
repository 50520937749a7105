"""``import_properties FILE``: create or update, by code, a program's hotels, outlets and award catalog (API.md
"Properties file").

Everything is checked first and every bad entry is reported with its JSON path (``hotels[0].outlets[1].kind``);
if anything is wrong nothing is stored. Otherwise the file is stored in one transaction. A row is saved only when
something in it changes, so running the same file twice adds no row and no history row.

Hotels, outlets and awards take an optional ``name_ja`` (README, "names in Japanese"): the name My Account shows in
Japanese.

Outlet designation is effective-dated (NE2): an outlet's first import designates it (or not) from the program's
start; a later import that flips it adds a designation effective on ``--on`` (default today); the same designation
adds nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from loyalty import clock
from rewards.services.properties import properties_check, properties_import


class Command(BaseCommand):
    help = "Create or update (by code) the hotels, outlets and award catalog of a properties file (API.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the properties JSON file")
        parser.add_argument(
            "--on",
            type=dt.date.fromisoformat,
            default=None,
            help="effective date of designation changes (YYYY-MM-DD, default today)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path} is not UTF-8 text: {exc}") from exc
        except json.JSONDecodeError as exc:
            raise CommandError(f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from exc
        plan = properties_check(data)
        if isinstance(plan, list):
            lines = "\n".join(f"  {error}" for error in plan)
            raise CommandError(f"{path}: {len(plan)} error(s), nothing was stored:\n{lines}")
        counts = properties_import(plan=plan, on=options["on"] or clock.today())
        summary = "; ".join(
            f"{kind}: {c['created']} created, {c['updated']} updated, {c['unchanged']} unchanged"
            for kind, c in counts.items()
        )
        self.stdout.write(f"import_properties {plan.program.code}: {summary}")
