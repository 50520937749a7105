"""The 2013 migration (M2, ST3): OCI and MYJ members become One Harmony members.

OCI file columns: ``oci_number`` (6 digits), ``family_name``, ``given_name``, ``email``, ``points_2013_03_31`` (OCI
points balance), ``points_2012`` (OCI points earned in 2012, for the status), ``points_2013_q1`` (OCI points of
January-March 2013, for the 2013 qualification).

MYJ file columns: ``myj_number``, ``family_name``, ``given_name``, ``email``, ``nights_2011_10_2012_09``,
``nights_2012_10_2013_03``, ``points`` (MYJ balance, optional; carried over as is).

* OCI: number "700" + OCI number (M2), the OCI card kept; the balance x 10 as a ``migrate`` credit dated 2013-03-31
  (expiry by EX1); status from the 2012 points (500+ Loyal, 1,500+ Exclusive), valid 2013-04-01 to 2014-03-31;
  a 2013 qualification credit of the January-March 2013 points x 10.
* MYJ: a new One Harmony number, the MYJ number kept as a card (and a login name, A1); status from the nights of
  October 2011 - September 2012 (5+ Loyal, 20+ Exclusive); a 2013 qualification credit of the nights of
  October 2012 - March 2013.
* A person found in both files (same email, or same family and given name) gets ``duplicate_candidate`` on both
  memberships, for the merge screen (M8).

Idempotent: a row whose OCI/MYJ card already exists is skipped, so a second run changes nothing. Each row is its
own transaction: a bad row is reported with its line number and reason and the others go on.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from loyalty.exceptions import LoyaltyError
from loyalty.rulebooks.validity import valid_through
from members.models import Card, Member, Program, StatusPeriod, Tier
from points.services.enrolment import member_enroll

from ..exceptions import BadRow
from ..models import EntryKind, QualificationCredit
from .ledger import LotSpec, points_credit

BALANCE_DATE = dt.date(2013, 3, 31)  # ST3: OCI points balance as of 2013-03-31
PROGRAM_START = dt.date(2013, 4, 1)  # One Harmony was born 2013-04-01
STATUS_UNTIL = dt.date(2014, 3, 31)
OCI_POINTS_FACTOR = 10  # ST3: OCI points x 10
# ST3: (threshold, tier), highest first.
OCI_STATUS = ((1500, Tier.EXCLUSIVE), (500, Tier.LOYAL))
MYJ_STATUS = ((20, Tier.EXCLUSIVE), (5, Tier.LOYAL))

OCI_COLUMNS = (
    "oci_number",
    "family_name",
    "given_name",
    "email",
    "points_2013_03_31",
    "points_2012",
    "points_2013_q1",
)
MYJ_COLUMNS = (
    "myj_number",
    "family_name",
    "given_name",
    "email",
    "nights_2011_10_2012_09",
    "nights_2012_10_2013_03",
    "points",
)


@dataclass
class ImportResult:
    created: int = 0
    skipped: int = 0
    flagged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    def summary(self, kind: str) -> str:
        return (
            f"{kind.upper()}: {self.created} imported, {self.skipped} already there, {len(self.errors)} bad rows, "
            f"{self.flagged} memberships flagged as possible duplicates (M8)"
        )


def _count(row: dict, column: str, *, required: bool = True) -> int:
    raw = (row.get(column) or "").strip().replace(",", "")
    if not raw:
        if required:
            raise BadRow(f"{column} is empty")
        return 0
    if not (raw.isascii() and raw.isdigit()):
        raise BadRow(f"{column} is not a whole number: {raw!r}")
    return int(raw)


def _tier(value: int, rules) -> str | None:
    for threshold, tier in rules:
        if value >= threshold:
            return tier
    return None


def _enroll(*, program: Program, row: dict, oci: str | None = None, myj: str | None = None) -> Member:
    family_name, given_name = (row.get("family_name") or "").strip(), (row.get("given_name") or "").strip()
    if not family_name or not given_name:
        raise BadRow("family_name and given_name are required")
    email = (row.get("email") or "").strip()
    # No welcome email to every legacy member (the migration is announced by the program): the address is set
    # after the enrolment.
    member = member_enroll(
        program=program,
        family_name=family_name,
        given_name=given_name,
        enrolled_on=PROGRAM_START,
        channel=Member.Channel.MIGRATION,
        oci=oci,
        myj=myj,
        email_required=False,
    )
    if email:  # issue 14, A1: a shared email is flagged for the office, not refused
        from members.services.identity import member_email_import

        member_email_import(member=member, email=email)
    return member


def _status(member: Member, tier: str | None) -> None:
    if tier:
        StatusPeriod.objects.create(
            member=member,
            tier=tier,
            valid_from=PROGRAM_START,
            valid_until=STATUS_UNTIL,
            qualification_year=2012,
            source=StatusPeriod.Source.MIGRATION,
        )


def _migrate_points(member: Member, points: int, reason: str) -> None:
    if points > 0:
        points_credit(
            member=member,
            kind=EntryKind.MIGRATE,
            lots=[LotSpec(points, BALANCE_DATE, valid_through(member.program.code, BALANCE_DATE))],
            on=BALANCE_DATE,
            reason=reason,
        )


@transaction.atomic
def legacy_import_oci_row(*, program: Program, row: dict) -> Member | None:
    """ST3 for one OCI member; ``None``: already imported."""
    oci = (row.get("oci_number") or "").strip()
    if not (oci.isascii() and oci.isdigit() and len(oci) == 6):
        raise BadRow(f"oci_number must have 6 digits: {oci!r}")
    balance, earned_2012, q1 = (_count(row, c) for c in ("points_2013_03_31", "points_2012", "points_2013_q1"))
    if Card.objects.filter(program=program, kind=Card.Kind.OCI, number=oci).exists():
        return None
    member = _enroll(program=program, row=row, oci=oci)
    _migrate_points(member, balance * OCI_POINTS_FACTOR, "ST3 OCI balance 2013-03-31 x 10")
    _status(member, _tier(earned_2012, OCI_STATUS))
    if q1:
        QualificationCredit.objects.create(
            member=member, year=2013, credited_on=BALANCE_DATE, points=q1 * OCI_POINTS_FACTOR, source="ST3 OCI"
        )
    return member


@transaction.atomic
def legacy_import_myj_row(*, program: Program, row: dict) -> Member | None:
    """ST3 for one MYJ member; ``None``: already imported."""
    myj = (row.get("myj_number") or "").strip()
    if not myj or not myj.isalnum():
        raise BadRow(f"myj_number must be letters and digits: {myj!r}")
    status_nights = _count(row, "nights_2011_10_2012_09")
    nights_2013 = _count(row, "nights_2012_10_2013_03")
    points = _count(row, "points", required=False)
    if Card.objects.filter(program=program, kind=Card.Kind.MYJ, number=myj).exists():
        return None
    member = _enroll(program=program, row=row, myj=myj)
    _migrate_points(member, points, "ST3 MYJ balance")
    _status(member, _tier(status_nights, MYJ_STATUS))
    if nights_2013:
        QualificationCredit.objects.create(
            member=member, year=2013, credited_on=BALANCE_DATE, nights=nights_2013, source="ST3 MYJ"
        )
    return member


@transaction.atomic
def legacy_flag_duplicates(*, program: Program) -> int:
    """M8: flag members found in both files (an OCI card and a MYJ card on two memberships) with the same email or
    the same family and given name. Returns how many memberships were newly flagged."""
    base = Member.objects.filter(program=program, closed_on__isnull=True)
    oci = base.filter(cards__kind=Card.Kind.OCI)
    myj = base.filter(cards__kind=Card.Kind.MYJ)

    def twin(of):
        return Exists(
            of.exclude(pk=OuterRef("pk")).filter(
                Q(email__iexact=OuterRef("email"), email__gt="")
                | Q(family_name__iexact=OuterRef("family_name"), given_name__iexact=OuterRef("given_name"))
            )
        )

    ids = set(oci.filter(twin(myj)).values_list("pk", flat=True)) | set(
        myj.filter(twin(oci)).values_list("pk", flat=True)
    )
    to_flag = list(Member.objects.filter(pk__in=ids, duplicate_candidate=False))
    for member in to_flag:
        member.duplicate_candidate = True
        member.save(update_fields=["duplicate_candidate"])
    return len(to_flag)


def legacy_import(
    *, kind: str, path: str, program: Program | None = None, progress: Callable[[Iterator], Iterator] | None = None
) -> ImportResult:
    """Import an OCI or MYJ file (see the module docstring); each row is its own transaction."""
    program = program or Program.objects.get(code=Program.ONE_HARMONY)
    columns, import_row = {"oci": (OCI_COLUMNS, legacy_import_oci_row), "myj": (MYJ_COLUMNS, legacy_import_myj_row)}[
        kind
    ]
    result = ImportResult()
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            result.errors.append((1, f"missing columns: {', '.join(missing)}"))
            return result
        rows = ((reader.line_num, row) for row in reader)
        for line, row in progress(rows) if progress else rows:
            try:
                member = import_row(program=program, row=row)
            except LoyaltyError as exc:
                result.errors.append((line, getattr(exc, "detail", None) or str(exc)))
                continue
            if member is None:
                result.skipped += 1
            else:
                result.created += 1
    result.flagged = legacy_flag_duplicates(program=program)
    return result
