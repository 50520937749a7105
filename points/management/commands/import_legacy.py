"""M2, ST3: import the 2013 OCI and MYJ member files into One Harmony (idempotent)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from points.services.legacy import MYJ_COLUMNS, OCI_COLUMNS, legacy_import


class Command(BaseCommand):
    help = (
        "Import legacy members (M2, ST3): `import_legacy oci FILE.csv` or `import_legacy myj FILE.csv`. "
        "UTF-8 CSV with a header row. "
        f"OCI columns: {', '.join(OCI_COLUMNS)} (oci_number: 6 digits; points_2013_03_31: OCI balance, credited x 10 "
        "on 2013-03-31; points_2012: OCI points earned in 2012, 500+ Loyal, 1,500+ Exclusive for 2013-04-01 to "
        "2014-03-31; points_2013_q1: OCI points of Jan-Mar 2013, x 10 toward the 2013 qualification). "
        f"MYJ columns: {', '.join(MYJ_COLUMNS)} (nights_2011_10_2012_09: 5+ Loyal, 20+ Exclusive; "
        "nights_2012_10_2013_03: count toward the 2013 qualification; points: MYJ balance, optional, carried as is). "
        "Rows already imported (their OCI/MYJ card exists) are skipped, so a second run changes nothing; bad rows "
        "are reported with their line number and the others go on. Members found in both files (same email, or "
        "same family and given name) are flagged as possible duplicates for the merge screen (M8)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["oci", "myj"])
        parser.add_argument("file")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, kind: str, file: str, no_progress: bool = False, **options):
        def progress(rows):
            return tqdm(rows, desc=f"{kind.upper()} rows", unit=" rows", disable=no_progress, file=self.stderr)

        try:
            result = legacy_import(kind=kind, path=file, progress=progress)
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc}") from exc
        for line, reason in result.errors:
            self.stderr.write(f"line {line}: {reason}")
        self.stdout.write(result.summary(kind))
