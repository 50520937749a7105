"""Issue 14, attack 4: sign-up with someone else's email broke their login (A1: the email is a login name).
One open membership per email (any case) and program: refused without telling the visitor, the member told by
email, held by a partial unique index; the duplicates that already exist are listed for the office."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from members.exceptions import EmailTaken
from members.models import EmailDuplicate, Member
from members.services.identity import IdentityError, email_duplicate_resolve
from tests.factories import make_member
from tests.portal.conftest import PASSWORD, portal_member

migration = importlib.import_module("members.migrations.0014_one_email_no_staff_login")


def _signup(client, program, email):
    data = {
        "program": program.pk,
        "family_name": "Intruder",
        "given_name": "Ivan",
        "email": email,
        "password1": "Sakura2026",
        "password2": "Sakura2026",
    }
    return client.post(reverse("signup"), data)


def test_issue14_a1_signup_with_a_members_email_is_refused_silently(
    client, program, django_capture_on_commit_callbacks
):
    # Given an open member with a login
    member = portal_member(program.code)
    # When a visitor signs up in the same program with the member's email (another case)
    with django_capture_on_commit_callbacks(execute=True):
        taken = _signup(client, program, member.email.upper())
    # Then no membership is made, the page is the "check your mailbox" page, the member is told
    assert Member.objects.filter(program=program, email__iexact=member.email).count() == 1
    assert taken.status_code == 302 and taken.url == reverse("signup-sent")
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert "tried to join" in mail.outbox[0].subject
    # And a sign-up with a fresh address answers exactly the same
    with django_capture_on_commit_callbacks(execute=True):
        fresh = _signup(client, program, "fresh@example.com")
    assert (fresh.status_code, fresh.url) == (taken.status_code, taken.url)
    sent_page = client.get(fresh.url)
    assert sent_page.status_code == 200 and "Check your mailbox" in sent_page.text
    # And the member still logs in by email (A1)
    assert authenticate(username=member.email, password=PASSWORD) == member.user


def test_issue14_a1_the_same_email_in_the_other_program_is_another_membership(oh, noc):
    one = make_member("one-harmony", email="both@example.com")
    other = make_member("new-otani", email="BOTH@example.com")
    assert one.email.lower() == other.email.lower() and one.program != other.program
    with pytest.raises(EmailTaken):
        make_member("new-otani", email="both@EXAMPLE.com")


def test_issue14_a1_the_database_holds_one_open_membership_per_email(postgres_only, program):
    member, other = make_member(program.code), make_member(program.code)
    # Around the ORM: a second open member with the same email (any case) is refused ...
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE members_member SET email = %s WHERE id = %s", [member.email.upper(), other.pk])
    # ... a closed one may keep it
    Member.objects.filter(pk=other.pk).update(closed_on="2025-01-01", closed_reason="withdrawn")
    Member.objects.filter(pk=other.pk).update(email=member.email)
    assert Member.objects.filter(email=member.email).count() == 2


def test_issue14_migration_lists_existing_duplicates_instead_of_failing(postgres_only, program, django_user_model):
    # Given open memberships that already share an email (made with the index out of the way, as before 0009)
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX member_one_open_per_email")
    first, second, third = (make_member(program.code) for _ in range(3))
    Member.objects.filter(pk__in=[second.pk, third.pk]).update(email=first.email.upper())
    # When the migration's step runs, then the index is created again
    migration.record_duplicates(apps, None)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending before the index is built
    with connection.schema_editor() as editor:
        editor.add_constraint(
            Member, next(c for c in Member._meta.constraints if c.name == "member_one_open_per_email")
        )
    # Then the oldest keeps the email under the rule, the others are flagged, all three are listed for the office
    flags = dict(Member.objects.filter(pk__in=[first.pk, second.pk, third.pk]).values_list("pk", "email_duplicate"))
    assert flags == {first.pk: False, second.pk: True, third.pk: True}
    assert set(EmailDuplicate.objects.values_list("member_id", flat=True)) == {first.pk, second.pk, third.pk}
    # And no new duplicate can be made
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=make_member(program.code).pk).update(email=first.email)
    # The office resolves: refused while the address is still shared; after changing it, the flag goes
    office = django_user_model.objects.create_user("boss", is_staff=True)
    row = EmailDuplicate.objects.get(member=second)
    with pytest.raises(IdentityError):
        email_duplicate_resolve(duplicate=row, by=office)
    Member.objects.filter(pk=second.pk).update(email="second@example.com")
    email_duplicate_resolve(duplicate=row, by=office)
    assert not Member.objects.get(pk=second.pk).email_duplicate


def test_issue14_office_sees_the_email_duplicates(client, program, office):
    member = make_member(program.code)
    EmailDuplicate.objects.create(program=program, email=member.email, member=member)
    client.force_login(office["supervisor"])
    page = client.get(reverse("admin:members_emailduplicate_changelist"))
    assert page.status_code == 200 and member.email in page.text
