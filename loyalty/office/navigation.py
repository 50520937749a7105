"""The office's frame (django-unfold's callbacks, named in ``settings.UNFOLD``): the office's name from the signed-in
user's scope ("One Harmony Office", "NOC Center", a hotel's front desk) and a navigation by work (Members, Bills and
points, Adjustments and claims, Rewards, Jobs, Settings), offering only what the user may open."""

from __future__ import annotations

from urllib.parse import parse_qs

from django.contrib import admin
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from members.models import Program


def staff_programs(request) -> list[Program]:
    """The programs whose office the user works in (a front desk: its hotel's program), read once per request."""
    cached = getattr(request, "_office_programs", None)
    if cached is None:
        user = request.user
        if not getattr(user, "is_authenticated", False) or not user.is_staff:
            cached = []
        elif user.is_superuser:
            cached = list(Program.objects.order_by("code"))
        elif user.hotel_id is not None:
            cached = [user.hotel.program]
        else:
            cached = list(user.programs.order_by("code"))
        request._office_programs = cached
    return cached


def dashboard_programs(request) -> list[Program]:
    """The programs whose dashboard the user may open: their offices' (a front desk has none)."""
    user = request.user
    if user.is_superuser:
        return staff_programs(request)
    if user.hotel_id is not None:
        return []
    return staff_programs(request)


def office_name(request) -> str:
    """The office the user works in: a program's office, both, or a hotel's front desk."""
    user = request.user
    if not getattr(user, "is_authenticated", False) or not user.is_staff:
        return _("Loyalty office")
    if user.hotel_id is not None and not user.is_superuser:
        return _("%(hotel)s front desk") % {"hotel": user.hotel.name}
    programs = staff_programs(request)
    if user.is_superuser or not programs:
        return _("Loyalty office")
    return " · ".join(str(p.office_name) for p in programs)


def site_title(request) -> str:
    return office_name(request)


def site_header(request) -> str:
    return office_name(request)


def site_subheader(request) -> str:
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return ""
    if user.is_superuser:
        return _("All programs")
    return " · ".join(p.name for p in staff_programs(request))


def office_styles(request) -> str:
    return static("office/office.css")


def office_scripts(request) -> str:
    return static("office/office.js")


def show_all_applications(request) -> bool:
    return bool(getattr(request.user, "is_superuser", False))


def _may_view(request, app_label: str, model_name: str, action: str = "view") -> bool:
    registered = {(m._meta.app_label, m._meta.model_name) for m in admin.site._registry}
    return (app_label, model_name) in registered and request.user.has_perm(f"{app_label}.{action}_{model_name}")


QUEUE_PARAMETERS = ("to_mail", "state__exact", "waiting")
# The office's own pages linked from the navigation (e.g. the front desk's "Mark a certificate used" under the
# certificates' list): on one of them only its own link is active, not also the list its address starts with.
_PAGES: set[str] = set()


def _active(path: str, query: str):
    """A link is active on its list; a work list (a query) only with its filter, the whole list only without."""
    wanted = {key: values[0] for key, values in parse_qs(query.lstrip("?")).items()}

    def active(request) -> bool:
        if not request.path.startswith(path) or request.path in _PAGES:
            return False
        if wanted:
            return all(request.GET.get(key) == value for key, value in wanted.items())
        return not any(key in request.GET for key in QUEUE_PARAMETERS)

    return active


def _item(request, title, icon, model: str, query: str = "", page: str = "") -> dict | None:
    """A link to a model's list (``query``: a work list of it), or to one of its pages (``page``: a URL name, for
    users who may change the model's rows)."""
    app_label, model_name = model.split(".")
    if not _may_view(request, app_label, model_name, "change" if page else "view"):
        return None
    try:
        link = reverse(f"admin:{page}" if page else f"admin:{app_label}_{model_name}_changelist")
    except NoReverseMatch:
        return None
    if page:
        _PAGES.add(link)
        return {"title": title, "icon": icon, "link": link, "active": lambda request: request.path == link}
    return {"title": title, "icon": icon, "link": link + query, "active": _active(link, query)}


# (group title, [(item title, icon, "app.model", query string)])
def _groups():
    return [
        (
            _("Members"),
            [
                (_("Members"), "group", "members.member", ""),
                (_("Cards"), "badge", "members.card", ""),
                (_("Cards to mail"), "local_post_office", "members.card", "?to_mail=yes"),
                (_("Name changes"), "edit_note", "members.namechangerequest", "?state__exact=open"),
                (_("Status periods"), "workspace_premium", "members.statusperiod", ""),
                (_("Email duplicates"), "alternate_email", "members.emailduplicate", "?resolved_at__isnull=True"),
            ],
        ),
        (
            _("Bills and points"),
            [
                (_("Bills"), "receipt_long", "points.bill", ""),
                (_("Ledger entries"), "list_alt", "points.ledgerentry", ""),
                (_("Point lots"), "inventory_2", "points.pointlot", ""),
                (_("Balances"), "account_balance_wallet", "points.memberbalance", ""),
                (_("Stay nights"), "bedtime", "points.staynight", ""),
                (_("Qualification credits"), "military_tech", "points.qualificationcredit", ""),
                (_("Expiry reminders"), "notifications", "points.expiryreminder", ""),
            ],
        ),
        (
            _("Adjustments and claims"),
            [
                (_("Adjustments"), "tune", "points.adjustment", ""),
                (_("Adjustments to approve"), "task_alt", "points.adjustment", "?waiting=for_me"),
                (_("Claims to review"), "support_agent", "points.claim", "?state__exact=open"),
                (_("All claims"), "inbox", "points.claim", ""),
            ],
        ),
        (
            _("Rewards"),
            [
                (_("Reward certificates"), "card_giftcard", "rewards.certificate", ""),
                (_("Mark a certificate used"), "price_check", "rewards.certificate", "", "rewards_certificate_use"),
                (_("Certificate requests"), "request_quote", "rewards.certificaterequest", ""),
                (_("Awards"), "redeem", "rewards.award", ""),
                (_("Award redemptions"), "shopping_bag", "rewards.awardredemption", ""),
                (_("Transfers"), "swap_horiz", "rewards.transfer", ""),
            ],
        ),
        (
            _("Jobs"),
            [
                (_("Job runs"), "schedule", "points.jobrun", ""),
                (_("Failed job runs"), "error", "points.jobrun", "?state__exact=failed"),
                (_("Schedules"), "event_repeat", "django_celery_beat.periodictask", ""),
            ],
        ),
        (
            _("Settings"),
            [
                (_("Programs"), "loyalty", "members.program", ""),
                (_("Program settings"), "settings", "members.programsettings", ""),
                (_("Terms versions"), "gavel", "members.termsversion", ""),
                (_("Membership categories"), "category", "members.membershipcategory", ""),
                (_("Membership number series"), "pin", "members.numberseries", ""),
                (_("Hotels"), "hotel", "points.hotel", ""),
                (_("Outlets"), "restaurant", "points.outlet", ""),
                (_("Outlet designations"), "event_available", "points.outletdesignation", ""),
                (_("API tokens"), "key", "points.apitoken", ""),
                (_("Logins"), "person", "members.user", ""),
                (_("Staff groups"), "groups", "auth.group", ""),
                (_("Form submissions"), "done_all", "members.formsubmission", ""),
            ],
        ),
    ]


def sidebar(request) -> list[dict]:
    """The navigation by work; a group the user may open nothing of is left out (no empty sections)."""
    if not getattr(request.user, "is_authenticated", False):
        return []
    index = reverse("admin:index")
    home = [{"title": _("Work queue"), "icon": "home", "link": index, "active": lambda r: r.path == index}]
    for program in dashboard_programs(request):
        home.append(
            {
                "title": _("Dashboard: %(program)s") % {"program": program.name},
                "icon": "insights",
                "link": reverse("admin:dashboard", args=[program.code]),
            }
        )
    navigation = [{"title": _("Today"), "separator": False, "items": home}]
    for title, specs in _groups():
        items = [item for spec in specs if (item := _item(request, *spec)) is not None]
        if items:
            navigation.append({"title": title, "separator": True, "collapsible": False, "items": items})
    return navigation
