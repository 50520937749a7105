"""``import_bills FILE``: a JSON Lines file of bills in the API's shape (a PMS's nightly export).

The same rules and idempotency as ``POST /api/v1/bills/``: a line already received with the same content is a
duplicate, other content under the same number is rejected (conflict). One bad line never stops the rest. Lines
are judged and written in batches (one transaction per batch, bulk inserts) for speed.
"""

from __future__ import annotations

import json
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from rest_framework.exceptions import ValidationError
from tqdm import tqdm

from points.api.serializers import BillSerializer
from points.models import Bill
from points.services.bills import bills_record


def _sentence(errors) -> str:
    if isinstance(errors, dict):
        return "; ".join(f"{k}: {_sentence(v)}" for k, v in errors.items())
    if isinstance(errors, list):
        return ", ".join(_sentence(e) for e in errors if e)
    return str(errors)


class Command(BaseCommand):
    help = "Import settled bills from a JSON Lines file (one bill per line, API.md shape)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the .jsonl file ('-' for standard input)")
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, file: str, batch_size: int, no_progress: bool, **options):
        try:
            handle = open(file, encoding="utf-8") if file != "-" else __import__("sys").stdin  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc}") from exc
        counts: Counter[str] = Counter()
        rejections: list[tuple[int, str]] = []
        batch: list[tuple[int, dict]] = []
        validator = BillSerializer()

        def flush():
            outcomes = bills_record(payloads=[p for _, p in batch], source=Bill.Source.IMPORT)
            for (line_no, _), outcome in zip(batch, outcomes, strict=True):
                if outcome.error is not None:
                    counts["rejected"] += 1
                    rejections.append((line_no, f"{outcome.error.code}: {outcome.error.detail}"))
                elif outcome.created:
                    counts["accepted"] += 1
                else:
                    counts["duplicate"] += 1
            batch.clear()

        with handle, tqdm(desc="bills", unit=" lines", disable=no_progress, file=self.stderr) as bar:
            for line_no, line in enumerate(handle, start=1):
                bar.update(1)
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as exc:
                    counts["rejected"] += 1
                    rejections.append((line_no, f"malformed_json: {exc.msg} at column {exc.colno}"))
                    continue
                try:
                    # One serializer validates every line: DRF builds (deep-copies) its nested fields once.
                    batch.append((line_no, validator.run_validation(data)))
                except ValidationError as exc:
                    counts["rejected"] += 1
                    rejections.append((line_no, f"invalid: {_sentence(exc.detail)}"))
                    continue
                if len(batch) >= batch_size:
                    flush()
            if batch:
                flush()
        for line_no, reason in rejections:
            self.stdout.write(f"line {line_no}: rejected: {reason}")
        self.stdout.write(
            f"import_bills {file}: {counts['accepted']} accepted, {counts['duplicate']} duplicate, "
            f"{counts['rejected']} rejected"
        )
