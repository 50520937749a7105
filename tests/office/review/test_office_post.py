"""Hostile POSTs on the office: "Bad input gets a clear error naming what is wrong, and nothing is stored. Never a
500." """

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from loyalty import clock
from members.models import Member
from points.models import Adjustment, Claim, LedgerEntry, QualificationCredit
from rewards.models import Certificate, CertificateUse
from rewards.services.certificates import certificate_advance

from .conftest import login_as

pytestmark = pytest.mark.django_db


def _post(client, url, data):
    client.raise_request_exception = False
    return client.post(url, data)


@pytest.fixture
def hana(people):
    return Member.objects.get(number="700123456")


@pytest.fixture
def open_claim(hana):
    return Claim.objects.create(
        member=hana, kind="points", used_on=clock.today() - dt.timedelta(days=10), description="x"
    )


# F6: approving a claim with more missing points (or nights) than a PostgreSQL integer holds: ClaimApproveForm has
# min_value=0 and no max -> claim_approve -> Adjustment/QualificationCredit insert -> DataError -> 500.
@pytest.mark.parametrize(("points", "nights"), [(99_999_999_999, 0), (0, 99_999_999_999)])
def test_claim_approve_with_a_huge_number_is_a_form_error(hana, open_claim, points, nights):
    entries = LedgerEntry.objects.count()
    response = _post(
        login_as("oh-supervisor"),
        reverse("admin:points_claim_changelist"),
        {
            "action": "approve_claims",
            "_selected_action": [open_claim.pk],
            "apply": "1",
            "points": points,
            "nights": nights,
        },
    )
    assert response.status_code < 500
    open_claim.refresh_from_db()
    assert open_claim.state == Claim.State.OPEN
    assert LedgerEntry.objects.count() == entries and not QualificationCredit.objects.filter(
        source=f"claim {open_claim.pk}"
    )


# F7: an adjustment request of 99,999,999,999 points: AdjustmentForm.clean() runs the trial run of the service before
# the model field's range validators -> the INSERT fails with DataError -> 500 instead of "Ensure this value is ...".
def test_adjustment_request_out_of_integer_range_is_a_form_error(hana):
    response = _post(
        login_as("oh-office"),
        reverse("admin:points_adjustment_add"),
        {"member": hana.pk, "points": 99_999_999_999, "reason": "typo", "used_on": clock.today().isoformat()},
    )
    assert response.status_code == 200  # the form again, with the error on "points"
    assert not Adjustment.objects.filter(member=hana, reason="typo").exists()


# F8: a request of 2,147,483,647 points is accepted (it waits for a supervisor); approving it overflows the balance
# row -> DataError -> 500 on the supervisor's "Approve" action. The request should have been refused up front (or
# the approval refused with a message).
def test_approving_an_adjustment_that_overflows_the_balance_is_not_a_500(hana):
    clerk, supervisor = login_as("oh-office"), login_as("oh-supervisor")
    add = _post(
        clerk,
        reverse("admin:points_adjustment_add"),
        {"member": hana.pk, "points": 2_147_483_647, "reason": "max", "used_on": clock.today().isoformat()},
    )
    adjustment = Adjustment.objects.filter(member=hana, reason="max").first()
    if adjustment is None:  # refused at the request: that is a fix too
        assert add.status_code == 200
        return
    response = _post(
        supervisor,
        reverse("admin:points_adjustment_changelist"),
        {"action": "approve_adjustments", "_selected_action": [adjustment.pk]},
    )
    assert response.status_code < 500


# F9: the member autocomplete field posted with a value that is not an id: the form error is right, but rendering the
# form again (AutocompleteSelect.optgroups filters pk__in=['abc']) raises ValueError -> 500.
def test_adjustment_with_a_non_numeric_member_is_a_form_error(hana):
    response = _post(
        login_as("oh-office"),
        reverse("admin:points_adjustment_add"),
        {"member": "abc", "points": 5, "reason": "r", "used_on": clock.today().isoformat()},
    )
    assert response.status_code == 200


# F10: an action posted with a selected id that is not a number (a tampered or stale checkbox) -> response_action's
# filter(pk__in=['abc']) -> ValueError -> 500, on every changelist with actions.
@pytest.mark.parametrize(
    ("who", "changelist", "action"),
    [
        ("oh-supervisor", "admin:points_claim_changelist", "approve_claims"),
        ("oh-supervisor", "admin:points_adjustment_changelist", "approve_adjustments"),
        ("noc-supervisor", "admin:rewards_certificate_changelist", "mark_ready"),
        ("oh-office", "admin:members_card_changelist", "mark_as_mailed"),
    ],
)
def test_action_with_a_non_numeric_selection_is_not_a_500(people, who, changelist, action):
    response = _post(login_as(who), reverse(changelist), {"action": action, "_selected_action": ["abc"]})
    assert response.status_code < 500


# F11: "Used" on a certificate with the amount typed in full-width digits (a Japanese IME's default: "３０００"):
# the action form's IntegerField accepts it (3000), but mark_used re-reads the raw POST, takes the non-ASCII text for
# "no amount" and records the certificate's whole value (JPY 5,000) as paid, with a success message. ("3,000" and
# "abc" store nothing, but the only message is Django's "No action selected.", which does not name the amount.)
@pytest.mark.parametrize("amount", ["３０００", "٣٠٠٠", "abc", "3.5"])
def test_certificate_used_with_an_unreadable_amount_is_refused(people, amount):
    certificate = Certificate.objects.filter(state=Certificate.State.REQUESTED).select_related("hotel").first()
    assert certificate is not None, "seed_demo has certificates"
    today = clock.today()
    certificate_advance(certificate=certificate, to_state=Certificate.State.READY, on=today)
    certificate_advance(certificate=certificate, to_state=Certificate.State.HANDED_OVER, on=today)
    _post(
        login_as("noc-supervisor"),
        reverse("admin:rewards_certificate_changelist"),
        {"action": "mark_used", "_selected_action": [certificate.pk], "purpose": "accommodation", "amount": amount},
    )
    certificate.refresh_from_db()
    use = CertificateUse.objects.filter(certificate=certificate).first()
    if amount == "３０００":  # full width, as a Japanese keyboard types it: read as 3,000, the amount meant
        assert use is not None and use.amount == 3000 and certificate.state == Certificate.State.USED
        return
    assert use is None, f"recorded JPY {use.amount} paid for amount {amount!r}"
    assert certificate.state == Certificate.State.HANDED_OVER


# F15: announcing a program ending on the last representable day (the date picker lets anyone type 9999-12-31):
# ProgramEndingForm.clean() -> ending_preview computes the lapse day (+1 day) -> OverflowError -> 500. Supervisors
# and superusers.
@pytest.mark.parametrize(("ends_on", "kept_until"), [("9999-12-31", ""), ("9999-12-30", "9999-12-31")])
def test_program_ending_on_the_last_day_is_a_form_error(people, ends_on, kept_until):
    from members.models import Program
    from points.models import ProgramEnding

    oh = Program.objects.get(code="one-harmony")
    response = _post(
        login_as("oh-supervisor"),
        reverse("admin:points_programending_add"),
        {"program": oh.pk, "scope": "program", "ends_on": ends_on, "points_kept_until": kept_until, "note": "x"},
    )
    assert response.status_code == 200
    assert not ProgramEnding.objects.filter(program=oh).exists()


# F16: office enrolment (M3) takes any date as the enrolment date: a member "enrolled on" 9999-12-31 (or 0001-01-01)
# is stored, with a card and a welcome email. A date in the future is bad input and should be refused on the form.
@pytest.mark.parametrize("enrolled_on", ["9999-12-31"])
def test_office_enrolment_in_the_future_is_refused(people, enrolled_on):
    from members.models import Program

    oh = Program.objects.get(code="one-harmony")
    before = Member.objects.count()
    response = _post(
        login_as("oh-supervisor"),
        reverse("admin:members_member_add"),
        {"program": oh.pk, "family_name": "Future", "given_name": "Person", "enrolled_on": enrolled_on},
    )
    assert response.status_code == 200, "the form again, with an error on the enrolment date"
    assert Member.objects.count() == before
