"""PT3 (NOC Art. 15; issue 15, item 8): a new version of the terms is announced to the members, a member sees it
at the next login to My Account, and the date each member first used the service under it is recorded.

* ``terms_announce``: one ``TermsNotice`` per open membership of the program, written in one statement (``INSERT
  ... SELECT``, unique per member and version: running it again adds only members it has not reached), and the
  emails queued once the transaction commits (``terms_notices_send``: batches locked with SKIP LOCKED, each notice
  sent once, so two workers or a rerun never send twice).
* ``terms_use_record`` / ``terms_uses_record``: the first use under the version in force on the date of use (a
  login, a stay or a meal, a redemption, a transfer): one ``TermsFirstUse`` per member and version; a use reported
  later for an earlier date moves the date back, never forward.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.message import EmailMessage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from ..models import Member, Program, TermsFirstUse, TermsNotice, TermsVersion


def terms_in_force(*, program: Program, on: dt.date) -> TermsVersion | None:
    """PT1, PT3: the program's terms version in force on ``on`` (the latest effective on or before it)."""
    return TermsVersion.objects.filter(program=program, effective_from__lte=on).order_by("-effective_from").first()


@transaction.atomic
def terms_announce(*, version: TermsVersion, by=None) -> int:
    """PT3: announce ``version`` to every open membership of its program; returns how many notices were added.
    The emails go out after the commit (a Celery task, ``members.tasks``)."""
    notice, member = TermsNotice._meta, Member._meta
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {notice.db_table} (member_id, terms_version_id, created_at, emailed) "
            f"SELECT m.id, %s, %s, %s FROM {member.db_table} m "
            "WHERE m.program_id = %s AND m.closed_on IS NULL "
            "ON CONFLICT (member_id, terms_version_id) DO NOTHING",
            [version.pk, timezone.now(), False, version.program_id],
        )
        added = cursor.rowcount
    if version.announced_at is None:
        version.announced_at = timezone.now()
        version._history_user = by
        version.save(update_fields=["announced_at"])
    from ..tasks import terms_notices_send_task

    transaction.on_commit(lambda: terms_notices_send_task.delay(version.pk))
    return added


def terms_notices_send(*, version: TermsVersion, batch: int = 500) -> int:
    """PT3: send the announcement emails not sent yet (members without email are marked, not emailed)."""
    program = version.program
    sent = 0
    while True:
        with transaction.atomic():
            due = list(
                TermsNotice.objects.select_for_update(skip_locked=True)
                .filter(terms_version=version, sent_at__isnull=True)
                .select_related("member")
                .order_by("id")[:batch]
            )
            if not due:
                return sent
            messages = []
            for notice in due:
                member = notice.member
                notice.emailed = bool(member.email)
                if not member.email:
                    continue
                with override(member.language or "en"):
                    body = _(
                        "Dear %(name)s,\n\nThe terms and conditions of %(program)s change on %(date)s. You can read "
                        "the new version on our website%(url)s. When you use the program's services from that day "
                        "on, you accept the new version.\n"
                    ) % {
                        "name": member.full_name,
                        "program": program.name,
                        "date": version.effective_from.isoformat(),
                        "url": f" ({version.url})" if version.url else "",
                    }
                    messages.append(
                        EmailMessage(
                            subject=_("New terms and conditions of %(program)s") % {"program": program.name},
                            body=body,
                            from_email=settings.DEFAULT_FROM_EMAIL,
                            to=[member.email],
                        )
                    )
            get_connection().send_messages(messages)
            now = timezone.now()
            for notice in due:
                notice.sent_at = now
            TermsNotice.objects.bulk_update(due, ["sent_at", "emailed"])
            sent += len(messages)


def _date(value: dt.date | str | None) -> dt.date | None:
    """A date read by a plain query (SQLite, the demo's database, returns the ISO text)."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def terms_uses_record(*, uses: Iterable[tuple[int, int, dt.date]], how: str) -> int:
    """PT3 for many uses at once (a batch of bills): ``uses`` are (member id, program id, date of use). Each is
    judged by the version in force on its date; one row per member and version keeps the earliest date. Returns how
    many first uses were new.

    It runs on every bill the API takes, so the usual case (the member used the service under this version before)
    costs one plain read: the programs' versions joined to these members' first uses. Writes happen only for a
    first use or a use reported late for an earlier date."""
    uses = list(uses)
    if not uses:
        return 0
    program_ids = sorted({program_id for _, program_id, _ in uses})
    member_ids = sorted({member_id for member_id, _, _ in uses})
    versions_table = connection.ops.quote_name(TermsVersion._meta.db_table)
    uses_table = connection.ops.quote_name(TermsFirstUse._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT v.id, v.program_id, v.effective_from, f.id, f.member_id, f.first_used_on FROM {versions_table} v"
            f" LEFT JOIN {uses_table} f ON f.terms_version_id = v.id"
            f" AND f.member_id IN ({', '.join(['%s'] * len(member_ids))})"
            f" WHERE v.program_id IN ({', '.join(['%s'] * len(program_ids))})"
            " ORDER BY v.effective_from",
            [*member_ids, *program_ids],
        )
        rows = cursor.fetchall()
    versions: dict[int, list[tuple[int, dt.date]]] = {}
    existing: dict[tuple[int, int], tuple[int, dt.date]] = {}
    for version_id, program_id, effective_from, use_id, member_id, first_used_on in rows:
        effective_from, first_used_on = _date(effective_from), _date(first_used_on)
        own = versions.setdefault(program_id, [])
        if not own or own[-1][0] != version_id:
            own.append((version_id, effective_from))
        if use_id is not None:
            existing[(member_id, version_id)] = (use_id, first_used_on)
    earliest: dict[tuple[int, int], dt.date] = {}
    for member_id, program_id, on in uses:
        in_force = [version_id for version_id, effective_from in versions.get(program_id, ()) if effective_from <= on]
        if in_force:
            key = (member_id, in_force[-1])
            earliest[key] = min(on, earliest.get(key, on))
    new = [
        TermsFirstUse(member_id=member_id, terms_version_id=version_id, first_used_on=on, how=how)
        for (member_id, version_id), on in earliest.items()
        if (member_id, version_id) not in existing
    ]
    if new:
        TermsFirstUse.objects.bulk_create(new, ignore_conflicts=True)
    for key, on in earliest.items():
        row = existing.get(key)
        if row is not None and on < row[1]:  # a use reported late, for an earlier date
            TermsFirstUse.objects.filter(pk=row[0], first_used_on__gt=on).update(first_used_on=on, how=how)
    return len(new)


def terms_use_record(*, member: Member, on: dt.date, how: str) -> TermsFirstUse | None:
    """PT3: ``member`` used the service on ``on``; returns the row if this was the first use under the version in
    force that day (``None`` otherwise)."""
    if not terms_uses_record(uses=[(member.pk, member.program_id, on)], how=how):
        return None
    return (
        TermsFirstUse.objects.select_related("terms_version")
        .filter(member=member, terms_version__effective_from__lte=on)
        .order_by("-terms_version__effective_from")
        .first()
    )
