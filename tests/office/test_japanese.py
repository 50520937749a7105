"""The office in Japanese (issue 16: "Japanese that is complete in the admin: model and field names, actions, help
texts, messages"; "every code shown by its label in both languages, rule IDs with their sentence").

Three ways it could regress, three tests: a name of the admin that is not translated (every model registered in the
office, its fields, choices, actions, columns, filters, fieldsets and inlines, under ``translation.override("ja")``);
a page that shows English words of the interface to a Japanese office (the demo's clerk and supervisor, with the
``django_language=ja`` cookie, on the home page, every list they may open, add and change pages); a refusal of a
service shown in English (a supervisor approving their own adjustment: the red message in Japanese, no green one).
The API keeps its English: a refusal is rendered in English whatever the language of the request."""

from __future__ import annotations

import datetime as dt
import io
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from loyalty.api.errors import exception_handler
from loyalty.exceptions import refusal_text
from loyalty.rulebooks.catalog import RULES, RULES_JA, describe
from members.models import Member, User
from points.exceptions import NotAllowedToApprove
from points.models import Adjustment, LedgerEntry
from points.services.adjustments import adjustment_request

pytestmark = pytest.mark.django_db

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
# Names that are the same in Japanese: abbreviations and the name of an office.
SAME_IN_JAPANESE = {"ID", "API", "One Harmony Office"}
# A help text that is only rule IDs (and their Default figures) is for staff in both languages: "NE1 5 / OE2 20".
RULE_IDS_ONLY = re.compile(r"^[A-Z]{1,3}\d+[\d\s,./A-Z-]*$")


def japanese(text) -> bool:
    """Japanese words, a name that is the same in Japanese, or no words at all (a number: a TOTP's 6 or 8 digits)."""
    text = str(text)
    return bool(JAPANESE.search(text)) or text in SAME_IN_JAPANESE or not re.search(r"[A-Za-z]", text)


def admin_names(model, model_admin) -> list[tuple[str, str]]:
    """Every name the office shows for ``model``: (where, words), evaluated in the active language."""
    opts = model._meta
    names = [
        (f"{opts.label} app", opts.app_config.verbose_name),
        (f"{opts.label} verbose_name", opts.verbose_name),
        (f"{opts.label} verbose_name_plural", opts.verbose_name_plural),
    ]
    for field in opts.get_fields():
        if field.auto_created and not field.concrete:
            continue  # a reverse relation: named by the other model
        names.append((f"{opts.label}.{field.name}", field.verbose_name))
        help_text = str(getattr(field, "help_text", "") or "")
        if help_text and not RULE_IDS_ONLY.match(help_text):
            names.append((f"{opts.label}.{field.name} help text", help_text))
        choices = getattr(field, "flatchoices", None) or []
        for choice in choices if len(choices) < 100 else []:  # hundreds of choices are places (time zones), not codes
            names.append((f"{opts.label}.{field.name} choice {choice[0]!r}", choice[1]))
    for _func, name, description in model_admin._get_base_actions():
        names.append((f"{opts.label} action {name}", description))
    for item in model_admin.list_display:
        if item not in ("__str__", "action_checkbox"):
            names.append((f"{opts.label} column {item}", label_for_field(item, model, model_admin)))
    for list_filter in model_admin.list_filter:
        if isinstance(list_filter, type) and getattr(list_filter, "title", None):
            names.append((f"{opts.label} filter {list_filter.__name__}", list_filter.title))
    for title, _options in model_admin.fieldsets or ():
        if title:
            names.append((f"{opts.label} fieldset", title))
    for inline in model_admin.inlines:
        names.append(
            (
                f"{opts.label} inline {inline.__name__}",
                inline.verbose_name_plural or inline.model._meta.verbose_name_plural,
            )
        )
    return names


def test_every_name_of_the_office_admin_is_japanese():
    # Given every model registered in the office (the apps' own and the third-party ones it shows)
    assert len(admin.site._registry) > 40
    # When the office reads their names in Japanese
    with translation.override("ja"):
        english = [
            f"{where}: {str(words)!r}"
            for model, model_admin in admin.site._registry.items()
            for where, words in admin_names(model, model_admin)
            if not japanese(words)
        ]
    # Then every model, field, help text, choice, action, column, filter, fieldset and inline has Japanese words
    assert english == []


def test_the_names_stay_english_in_english():
    # The same names in English are the source text: no Japanese leaks into the English office.
    with translation.override("en"):
        leaks = [
            f"{where}: {words}"
            for model, model_admin in admin.site._registry.items()
            for where, words in admin_names(model, model_admin)
            if JAPANESE.search(str(words))
        ]
    assert leaks == []


# --- The pages ---------------------------------------------------------------------------------------------------


class _Text(HTMLParser):
    """The words a person reads on a page: text nodes and the attributes that are read (title, placeholder,
    aria-label, alt, a button's value); not scripts, styles, templates nor icon ligatures (Material Symbols)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.nodes: list[str] = []
        self.stack: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.nodes += [attrs[a] for a in ("title", "placeholder", "aria-label", "alt") if attrs.get(a)]
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.nodes.append(attrs["value"])
        if tag not in self.VOID:
            hidden = tag in ("script", "style", "template", "textarea") or "material-symbols" in (
                attrs.get("class") or ""
            )
            self.stack.append((tag, hidden))

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if data.strip() and not any(hidden for _tag, hidden in self.stack):
            self.nodes.append(" ".join(data.split()))


def read(response) -> list[str]:
    parser = _Text()
    parser.feed(response.content.decode())
    return parser.nodes


# Words of the interface (Django's, unfold's, the office's own) that a Japanese page must not show.
INTERFACE_WORDS = [
    "Select", "Add", "Save", "Delete", "Search", "Filter", "Filters", "Action", "Actions", "History", "Change",
    "Log out", "Go", "Run", "Clear", "Apply", "Submit", "Reset", "Welcome", "Home", "View", "Show", "Hide", "Today",
    "Now", "Previous", "Next", "Yes", "No", "Unknown", "All", "Any date", "Past 7 days", "This month", "This year",
    "Date", "Time", "Password", "Reason", "Points", "Approve", "Reject", "Dashboard", "Work queue", "Members",
    "Adjustments", "Claims", "Ledger", "Bills", "Certificates", "Settings", "Status", "Pending", "Posted", "Expired",
    "Requested", "Done", "Failed", "Running", "Object", "Comment", "Changed by", "Change reason", "Changes",
    "approved", "waiting", "awaiting", "selected", "members", "points", "the", "of", "and", "is", "to",
    "None",  # an empty value reads "—" in both languages (also "Deleted user (pk=None)" of a history's change)
]  # fmt: skip
INTERFACE = re.compile(r"\b(" + "|".join(re.escape(w) for w in INTERFACE_WORDS) + r")\b")


def data_values() -> re.Pattern:
    """Every value of the demo data a page may show (names, codes, numbers, addresses, text as recorded, ``str()`` of
    each row): removed from a page's words before the interface words are looked for."""
    values: set[str] = set()
    for model in admin.site._registry:
        fields = [f for f in model._meta.concrete_fields if f.get_internal_type() in ("CharField", "TextField")]
        for row in model._default_manager.all()[:500]:
            values.add(str(row))
            values.update(str(getattr(row, f.attname) or "") for f in fields)
    for user in User.objects.all():
        values.update({user.get_full_name(), user.get_username(), user.email})
    values = {v for v in values if len(v) > 1}
    # Case-insensitive: the admin capitalizes a row's name in its headings ("Refund 166750 of 231").
    return re.compile("|".join(re.escape(v) for v in sorted(values, key=len, reverse=True)), re.IGNORECASE)


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    return Member.objects.get(number="700123456")


def japanese_client(client, username: str):
    client.force_login(User.objects.get(username=username))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    return client


def pages_of(user: User) -> list[str]:
    """The home page, the dashboards of the user's programs, every list the user may open, an add page of each model
    they may add to and a change page and history of each model they may see (its first row in the user's scope: the
    member workspace of a member of their program, with its history)."""
    paths = [reverse("admin:index")] + [reverse("admin:dashboard", args=[p.code]) for p in user.programs.all()]
    request = RequestFactory().get("/admin/")
    request.user = user
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        try:
            if model_admin.has_view_or_change_permission(request):
                paths.append(reverse("admin:{}_{}_changelist".format(*info)))
                first = model_admin.get_queryset(request).order_by("pk").first()
                if first is not None:
                    paths.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
                    paths.append(reverse("admin:{}_{}_history".format(*info), args=[first.pk]))
            if model_admin.has_add_permission(request):
                paths.append(reverse("admin:{}_{}_add".format(*info)))
        except (NoReverseMatch, AttributeError, TypeError):
            continue
    return sorted(set(paths))


@pytest.mark.parametrize("username", ["oh-office", "oh-supervisor", "noc-center"])
def test_the_office_pages_show_no_english_words_of_the_interface(client, demo, username):
    # Given the demo's clerk or supervisor, who reads the office in Japanese
    client = japanese_client(client, username)
    user = User.objects.get(username=username)
    data = data_values()
    paths = pages_of(user)
    assert len(paths) > 20
    english = []
    for path in paths:
        # When they open each page of their work
        response = client.get(path)
        assert response.status_code == 200, path
        assert 'lang="ja"' in response.content.decode()[:2000], path
        for node in read(response):
            if node.startswith(('"', "{", "[")):
                continue  # JSON as received or computed (a bill's payload, a job's counts): data, keys and all
            words = data.sub(" ", node)
            if INTERFACE.search(words):
                english.append(f"{path}: {node!r}")
    # Then no word of the interface is English (the data, as recorded, may be), and no empty value reads "None"
    assert english == [], "\n".join(english)


def test_the_home_page_work_queue_and_navigation_are_japanese(client, demo):
    client = japanese_client(client, "oh-supervisor")
    page = client.get(reverse("admin:index"))
    with translation.override("ja"):
        queue = [str(item["label"]) for item in page.context["work_queue"]]
    assert queue and all(japanese(label) for label in queue)
    assert "承認待ち" in page.content.decode()


def test_rule_ids_are_shown_with_their_japanese_sentence(client, demo):
    # Every rule of the Rulebook has its Japanese sentence; the ID itself is never translated.
    assert set(RULES_JA) == set(RULES)
    assert describe("NX3", "ja") == "NX3 — 客室料金・パッケージ料金以外の宿泊関連料金 (ミニバー、マッサージなど)"
    assert describe("NX3") == f"NX3 — {RULES['NX3']}"
    assert describe("not a rule", "ja") == "not a rule"
    # And the office shows a ledger entry's rule with its sentence in the reader's language
    entry = LedgerEntry.objects.filter(member=demo, reason__in=list(RULES)).first()
    assert entry is not None
    client = japanese_client(client, "oh-office")
    page = client.get(reverse("admin:points_ledgerentry_changelist"))
    assert describe(entry.reason, "ja") in page.content.decode()
    assert RULES[entry.reason] not in page.content.decode()


# --- Refusals ------------------------------------------------------------------------------------------------------


def test_a_supervisor_approving_their_own_adjustment_reads_the_refusal_in_japanese(client, demo):
    # Given an adjustment the One Harmony supervisor asked for, above the threshold (it waits for another supervisor)
    boss = User.objects.get(username="oh-supervisor")
    adjustment = adjustment_request(
        member=demo,
        points=50_000,
        reason="goodwill",
        used_on=timezone.localdate() - dt.timedelta(days=3),
        requested_by=boss,
        on=timezone.localdate(),
    )
    assert adjustment.state == Adjustment.State.AWAITING_APPROVAL
    # When they approve it themselves, in the Japanese office
    client = japanese_client(client, "oh-supervisor")
    changelist = reverse("admin:points_adjustment_changelist")
    response = client.post(changelist, {"action": "approve_adjustments", "_selected_action": [adjustment.pk]})
    # Then the refusal is the one red message, in Japanese (maker-checker): no green "0 approved", no English
    with translation.override("ja"):
        messages = [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]
    assert [level for level, _text in messages] == ["error"]
    assert "申請者以外のスーパーバイザー" in messages[0][1]
    assert not re.search(r"\b(an adjustment|supervisor|approved)\b", messages[0][1])
    assert "申請者以外のスーパーバイザー" in client.get(changelist).content.decode()
    adjustment.refresh_from_db()
    assert adjustment.state == Adjustment.State.AWAITING_APPROVAL


def test_a_refusal_is_in_the_language_of_its_reader_and_the_api_speaks_english():
    refusal = NotAllowedToApprove(
        refusal_text(
            translation.gettext_lazy("membership %(number)s is closed (M9)"),
            number="700123456",
        )
    )
    with translation.override("ja"):
        assert str(refusal.detail) == "会員 700123456 の会員資格は終了しています (M9)"
        # The API renders it in English, whatever language the request asked for (API.md: codes and English words)
        response = exception_handler(refusal, {})
    assert response.status_code == 403
    assert response.data == {
        "code": "adjustment_not_allowed",
        "detail": "Membership 700123456 is closed (M9).",
        "fields": {},
    }
    with translation.override("en"):
        assert str(refusal) == "membership 700123456 is closed (M9)"
