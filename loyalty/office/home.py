"""The office's home page is the signed-in user's work queue (django-unfold's ``DASHBOARD_CALLBACK``): what waits
for them, with counts and links (adjustments to approve, claims to review, name changes, cards to mail, failed job
runs, certificates for the coming arrivals), and the figures of the day of their programs (or their hotel).

A fixed number of queries whatever the data: one count per kind of work, one grouped query per figure.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import admin
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from loyalty import clock
from loyalty.adminkit import number, yen
from members.models import Card, Member, NameChangeRequest
from points.models import Adjustment, Bill, Claim, EntryKind, JobRun, LedgerEntry
from points.selectors import liabilities
from rewards.models import Certificate

from .navigation import dashboard_programs, staff_programs

APPROVE_PERMISSION = "points.change_adjustment"


def _scoped(request, model):
    """The rows of ``model`` the user may see (its ModelAdmin's scope), or ``None`` if they may not view it."""
    model_admin = admin.site._registry.get(model)
    opts = model._meta
    if model_admin is None or not request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
        return None
    return model_admin.get_queryset(request).order_by()


def _link(model, query: str = "") -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") + query


def work_queue(request) -> list[dict]:
    """What waits for the user, each with its count and the list it opens."""
    user = request.user
    today = clock.today()
    items = []
    adjustments = _scoped(request, Adjustment)
    if adjustments is not None:
        waiting = Q(state=Adjustment.State.AWAITING_APPROVAL)
        counts = adjustments.aggregate(
            others=Count("pk", filter=waiting & ~Q(requested_by=user)),
            mine=Count("pk", filter=waiting & Q(requested_by=user)),
        )
        if user.has_perm(APPROVE_PERMISSION):
            items.append(
                {
                    "label": _("Adjustments to approve"),
                    "help": _("Requested by someone else, above the approval threshold."),
                    "count": counts["others"],
                    "url": _link(Adjustment, "?waiting=for_me"),
                }
            )
        items.append(
            {
                "label": _("Your adjustments awaiting approval"),
                "help": _("A supervisor other than you approves them."),
                "count": counts["mine"],
                "url": _link(Adjustment, "?waiting=mine"),
            }
        )
    claims = _scoped(request, Claim)
    if claims is not None:
        items.append(
            {
                "label": _("Claims to review"),
                "help": _("Missing points or nights reported by members (A5)."),
                "count": claims.filter(state=Claim.State.OPEN).count(),
                "url": _link(Claim, "?state__exact=open"),
            }
        )
    names = _scoped(request, NameChangeRequest)
    if names is not None:
        items.append(
            {
                "label": _("Name changes"),
                "help": _("Requested by members; the office applies them (M7)."),
                "count": names.filter(state=NameChangeRequest.State.OPEN).count(),
                "url": _link(NameChangeRequest, "?state__exact=open"),
            }
        )
    cards = _scoped(request, Card)
    if cards is not None and user.hotel_id is None:
        items.append(
            {
                "label": _("Cards to mail"),
                "help": _("New and reissued physical cards (M4)."),
                "count": cards.filter(state=Card.State.CURRENT, fulfilment=Card.Fulfilment.TO_BE_MAILED).count(),
                "url": _link(Card, "?to_mail=yes"),
            }
        )
    certificates = _scoped(request, Certificate)
    if certificates is not None:
        items.append(
            {
                "label": _("Certificates for arrivals of the next 7 days"),
                "help": _("Reward Certificates to hand over in person during the stay (NR2)."),
                "count": certificates.filter(
                    state__in=[Certificate.State.REQUESTED, Certificate.State.READY],
                    request__arrival_on__gte=today,
                    request__arrival_on__lte=today + dt.timedelta(days=7),
                ).count(),
                "url": _link(Certificate, "?arrival=7"),
            }
        )
    runs = _scoped(request, JobRun)
    if runs is not None and user.hotel_id is None:
        items.append(
            {
                "label": _("Failed job runs"),
                "help": _("Posting, expiry, reminders and qualification runs that did not finish."),
                "count": runs.filter(state=JobRun.State.FAILED).count(),
                "url": _link(JobRun, "?state__exact=failed"),
            }
        )
    for item in items:
        item["count_text"] = number(item["count"])
    return items


def figures_of_the_day(request) -> dict:
    """The programs' figures of the day (a front desk: its hotel's): bills received, yen billed, points earned,
    members enrolled; for an office, the liability and the debts owed, apart (R1, EX5)."""
    user = request.user
    today = clock.today()
    programs = staff_programs(request)
    if not programs:
        return {"rows": [], "liability": False}
    hotel = user.hotel if (user.hotel_id is not None and not user.is_superuser) else None
    bills = Bill.objects.filter(received_at__date=today)
    entries = LedgerEntry.objects.filter(effective_on=today, kind__in=[EntryKind.EARN, EntryKind.BONUS])
    members = Member.objects.filter(enrolled_on=today)
    if hotel is not None:
        bills = bills.filter(hotel=hotel)
        entries = entries.filter(bill__hotel=hotel)
        members = members.filter(enrolled_at=hotel)
    bills_by = {
        row["hotel__program"]: row
        for row in bills.filter(hotel__program__in=programs)
        .values("hotel__program")
        .annotate(n=Count("pk"), amount=Sum("total_amount"))
        .order_by()
    }
    earned_by = {
        row["member__program"]: row["n"]
        for row in entries.filter(member__program__in=programs)
        .values("member__program")
        .annotate(n=Sum("pending"))
        .order_by()
    }
    enrolled_by = {
        row["program"]: row["n"]
        for row in members.filter(program__in=programs).values("program").annotate(n=Count("pk")).order_by()
    }
    show_liability = hotel is None
    owed = liabilities(programs=programs, on=today) if show_liability else {}
    rows = []
    for program in programs:
        billed = bills_by.get(program.pk, {})
        row = {
            "name": hotel.name if hotel is not None else program.name,
            "bills": number(billed.get("n") or 0),
            "amount": yen(billed.get("amount") or 0),
            "earned": number(earned_by.get(program.pk) or 0),
            "enrolled": number(enrolled_by.get(program.pk) or 0),
        }
        if show_liability:
            liability = owed[program.pk]
            row.update(
                outstanding=number(liability.points),
                liability=yen(liability.yen),
                debts=yen(liability.debt_yen),
            )
        rows.append(row)
    return {"rows": rows, "liability": show_liability, "today": today}


def shortcuts(request) -> list[dict]:
    """The pages of the desk's daily tasks the user may open (a front desk marks the certificates used, NR3)."""
    items = []
    if request.user.has_perm("rewards.change_certificate") and Certificate in admin.site._registry:
        items.append({"name": _("Mark a certificate used (NR3)"), "url": reverse("admin:rewards_certificate_use")})
    return items


def home_context(request, context: dict) -> dict:
    """django-unfold's DASHBOARD_CALLBACK: the work queue and the figures of the day on the admin's home page."""
    queue = work_queue(request)
    context.update(
        title=_("Work queue"),
        work_queue=queue,
        work_queue_waiting=any(item["count"] for item in queue),
        shortcuts=shortcuts(request),
        figures=figures_of_the_day(request),
        dashboards=[
            {"name": p.name, "url": reverse("admin:dashboard", args=[p.code])} for p in dashboard_programs(request)
        ],
    )
    return context
