"""The story of a member's balance, as My Account tells it (A4, SH2): one line per billing, what each redemption
bought, refunds on the stay they concern, why a stay earned nothing, and why a balance is negative.

Reads only (a selector of the portal surface): the view fetches the rows in a fixed number of queries and these
functions turn them into lines of plain, translated words (``reasons``), never rule IDs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from members.models import Member
from points.models import Bill, BillExclusion, BillRefund, LedgerEntry, PointLot
from rewards.models import Certificate

from .reasons import exclusion_reason
from .templatetags.member_words import day, local_name, member_name, number, yen

# Entries told on the line of their bill's earning: the status bonus and the posting.
FOLDED_KINDS = ("bonus", "post")


@dataclass
class Line:
    """One line of the activity: a date, what happened in words, the points it moved and where they stand."""

    on: dt.date
    kind: str  # stay, dining, redeem, retract, expire, transfer_in, transfer_out, forfeit, adjust, migrate, post
    title: str
    points: int
    details: list[str] = field(default_factory=list)
    state: str = ""  # "Pending until ...", "Posted on ..."
    pending: bool = False
    not_counted: list[str] = field(default_factory=list)


def activity_entries(member: Member) -> QuerySet[LedgerEntry]:
    """The entries that open a line, newest first: every entry but a bill's bonus and posting (told on its line)."""
    return (
        LedgerEntry.objects.filter(member=member)
        .exclude(Q(kind__in=FOLDED_KINDS) & Q(bill__isnull=False))
        .select_related(
            "bill__hotel",
            "bill__outlet",
            "refund",
            "certificate_request__hotel",
            "award_redemption__award",
            "transfer__giver",
            "transfer__receiver",
        )
        .prefetch_related(
            Prefetch("bill__exclusions", queryset=BillExclusion.objects.order_by("position", "id")),
            Prefetch("certificate_request__certificates", queryset=Certificate.objects.order_by("number")),
        )
        .order_by("-effective_on", "-id")
    )


def companions(entries) -> dict[int, list[dict]]:
    """The bonus, posting and retraction entries of the bills on the page, by bill (one query)."""
    bill_ids = {e.bill_id for e in entries if e.bill_id is not None and e.kind == "earn"}
    found: dict[int, list[dict]] = {}
    if not bill_ids:
        return found
    rows = (
        LedgerEntry.objects.filter(bill_id__in=bill_ids, kind__in=(*FOLDED_KINDS, "retract"))
        .values("bill_id", "kind", "points", "pending", "effective_on")
        .order_by("effective_on", "id")
    )
    for row in rows:
        found.setdefault(row["bill_id"], []).append(row)
    return found


def bill_place(bill: Bill) -> str:
    """ "Stay at The Okura Tokyo" / "Dining at Yamazato, The Okura Tokyo"."""
    if bill.kind == Bill.Kind.STAY:
        return _("Stay at %(hotel)s") % {"hotel": local_name(bill.hotel)}
    if bill.outlet_id:
        return _("Dining at %(outlet)s, %(hotel)s") % {
            "outlet": local_name(bill.outlet),
            "hotel": local_name(bill.hotel),
        }
    return _("Dining at %(hotel)s") % {"hotel": local_name(bill.hotel)}


def bill_when(bill: Bill) -> str:
    if bill.kind == Bill.Kind.STAY and bill.arrival_on and bill.departure_on:
        return _("%(arrival)s to %(departure)s, %(nights)s night(s)") % {
            "arrival": day(bill.arrival_on),
            "departure": day(bill.departure_on),
            "nights": bill.nights,
        }
    return _("Paid on %(day)s") % {"day": day(bill.paid_on)}


def not_counted(bill: Bill) -> list[str]:
    """Each amount kept from earning, with its reason in words (one line per reason)."""
    lines: dict[str, int] = {}
    for exclusion in bill.exclusions.all():
        reason = exclusion_reason(exclusion.rule)
        lines[reason] = lines.get(reason, 0) + exclusion.amount
    words = _("%(amount)s not counted: %(reason)s")
    return [words % {"amount": yen(amount), "reason": reason} for reason, amount in lines.items()]


def _earn_line(entry: LedgerEntry, rows: list[dict], today: dt.date) -> Line:
    bill = entry.bill
    bonus = sum(r["pending"] for r in rows if r["kind"] == "bonus")
    earned = entry.pending + bonus
    details = [_("Bill %(number)s") % {"number": bill.number}]
    if bill.kind == Bill.Kind.STAY:  # a meal's date is the line's own
        details.insert(0, bill_when(bill))
    if bonus:
        details.append(_("Includes a status bonus of %(bonus)s points") % {"bonus": number(bonus)})
    posts = [r for r in rows if r["kind"] == "post"]
    if posts:
        state = _("Posted on %(day)s: these points can be redeemed") % {"day": day(posts[-1]["effective_on"])}
    else:
        state = _("Pending until %(day)s: then they can be redeemed") % {"day": day(bill.posts_on)}
    for row in rows:
        if row["kind"] == "retract":
            details.append(
                _("%(points)s points taken back on %(day)s after a refund")
                % {"points": number(-(row["points"] + row["pending"])), "day": day(row["effective_on"])}
            )
    return Line(
        on=entry.effective_on,
        kind=bill.kind,
        title=bill_place(bill),
        points=earned,
        details=details,
        state=state,
        pending=not posts,
        not_counted=not_counted(bill),
    )


def _redeem_line(entry: LedgerEntry) -> Line:
    request, redemption = entry.certificate_request, entry.award_redemption
    details: list[str] = []
    if request is not None:
        title = _("Reward Certificates")
        certificates = list(request.certificates.all())
        value = certificates[0].value if certificates else 0
        details.append(
            _("%(count)s certificate(s) of %(value)s for your stay at %(hotel)s, arriving %(arrival)s")
            % {
                "count": request.count,
                "value": yen(value),
                "hotel": local_name(request.hotel),
                "arrival": day(request.arrival_on),
            }
        )
        if certificates:
            details.append(
                _("Certificate numbers: %(numbers)s") % {"numbers": ", ".join(c.number for c in certificates)}
            )
    elif redemption is not None:
        title = _("Award: %(award)s") % {"award": local_name(redemption.award)}
    else:
        title = _("Points redeemed")
    return Line(on=entry.effective_on, kind="redeem", title=title, points=entry.points, details=details)


def _retract_line(entry: LedgerEntry) -> Line:
    details = []
    if entry.bill_id is not None:
        details += [bill_place(entry.bill), bill_when(entry.bill), _("Bill %(number)s") % {"number": entry.bill.number}]
    if entry.refund_id is not None:
        title = _("Points taken back: %(amount)s refunded") % {"amount": yen(entry.refund.amount)}
    else:
        title = _("Points taken back")
    return Line(
        on=entry.effective_on,
        kind="retract",
        title=title,
        points=entry.points + entry.pending,
        details=details,
        pending=entry.points == 0,
    )


def _other_line(entry: LedgerEntry) -> Line:
    kind, reason = entry.kind, (entry.reason or "").strip()
    details: list[str] = []
    if kind == "expire":
        title = _("Points expired")
        details.append(_("Points not used by the last day of their validity."))
    elif kind == "transfer_out":
        title = _("Points given to a family member")
        if entry.transfer_id:
            details.append(member_name(entry.transfer.receiver))
    elif kind == "transfer_in":
        title = _("Points received from a family member")
        if entry.transfer_id:
            details.append(member_name(entry.transfer.giver))
    elif kind == "forfeit":
        title = _("Points forfeited when the membership was closed")
    elif kind == "migrate" and reason.upper().startswith("M8"):
        title = _("Points of your other membership, now merged into this one")
    elif kind == "migrate":
        title = _("Points carried over from your former membership")
    elif kind == "adjust" and reason.upper().startswith("A5"):
        title = _("Missing points you reported, added by the office")
    elif kind == "adjust" and reason.upper().startswith("M8"):
        title = _("Points of your other membership, now merged into this one")
    elif kind == "adjust":
        title = _("Correction by the office")
    elif kind == "post":
        title = _("Points posted")
    else:
        title = _("Points")
    return Line(on=entry.effective_on, kind=kind, title=title, points=entry.points + entry.pending, details=details)


def activity_lines(entries, today: dt.date) -> list[Line]:
    """The page's entries as lines (the companions of its bills in one more query)."""
    by_bill = companions(entries)
    lines = []
    for entry in entries:
        if entry.kind == "earn" and entry.bill_id is not None:
            lines.append(_earn_line(entry, by_bill.get(entry.bill_id, []), today))
        elif entry.kind == "redeem":
            lines.append(_redeem_line(entry))
        elif entry.kind == "retract":
            lines.append(_retract_line(entry))
        else:
            lines.append(_other_line(entry))
    return lines


# ------------------------------------------------------------------------------------------------ stay history


def stays(member: Member) -> QuerySet[Bill]:
    return (
        Bill.objects.filter(member=member, kind=Bill.Kind.STAY)
        .select_related("hotel")
        .prefetch_related(
            Prefetch("exclusions", queryset=BillExclusion.objects.order_by("position", "id")),
            Prefetch("refunds", queryset=BillRefund.objects.order_by("id")),
        )
        .order_by("-paid_on", "-id")
    )


@dataclass
class StayLine:
    bill: Bill
    points: int  # what the stay earned, status bonus included, less what refunds took back
    refunds: list[str]
    why_nothing: list[str]


def stay_lines(bills) -> list[StayLine]:
    result = []
    for bill in bills:
        refunds = list(bill.refunds.all())
        taken = sum(r.points_retracted for r in refunds)
        notes = [
            _("%(amount)s refunded: %(points)s points taken back")
            % {"amount": yen(r.amount), "points": number(r.points_retracted)}
            for r in refunds
        ]
        why = []
        if bill.points + bill.bonus_points == 0:
            seen = []
            for exclusion in bill.exclusions.all():
                reason = exclusion_reason(exclusion.rule)
                if reason not in seen:
                    seen.append(reason)
            why = seen or [_("This stay did not earn points under the program's terms.")]
        earned = bill.points + bill.bonus_points - taken
        result.append(StayLine(bill=bill, points=earned, refunds=notes, why_nothing=why))
    return result


# -------------------------------------------------------------------------------------------- negative balance


@dataclass
class Debt:
    points: int  # positive: how many points are missing
    yen: int  # what the office may charge instead (account_summary.debt_yen)
    causes: list[str]


def debt(member: Member, *, balance: int, debt_yen: int) -> Debt | None:
    """R1, EX5 in words: what took the balance below zero (the refunds that left debt lots). One query, only when
    the balance is negative."""
    if balance >= 0:
        return None
    lots = (
        PointLot.objects.filter(member=member, expires_on__isnull=True, remaining__lt=0)
        .select_related("entry__bill__hotel", "entry__refund")
        .order_by("id")
    )
    causes = []
    for lot in lots:
        entry = lot.entry
        if entry.bill_id is not None:
            causes.append(
                _(
                    "On %(day)s a refund of %(amount)s took back %(points)s points that had already been redeemed "
                    "(%(place)s, %(when)s)."
                )
                % {
                    "day": day(entry.effective_on),
                    "amount": yen(entry.refund.amount) if entry.refund_id else "",
                    "place": bill_place(entry.bill),
                    "when": bill_when(entry.bill),
                    "points": number(-lot.points),
                }
            )
        else:
            causes.append(
                _("On %(day)s %(points)s points were taken back after they had been redeemed.")
                % {"day": day(entry.effective_on), "points": number(-lot.points)}
            )
    return Debt(points=-balance, yen=debt_yen, causes=causes)
