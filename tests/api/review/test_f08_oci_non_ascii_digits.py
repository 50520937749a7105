"""F08 (MEDIUM): enrolment takes a legacy OCI number of non-ASCII digits (members/numbers.py:36 ``oci.isdigit()``):
full-width digits (what a Japanese IME types), superscripts, Arabic-Indic digits. The member gets number
``700１２３４５６`` (M1/M2: 9 digits, "700" + the 6-digit OCI number), and the same OCI member can then be enrolled
again with ASCII digits: two memberships for one OCI card, no ``duplicate_card``."""

from __future__ import annotations

import pytest

from members.models import Member


def enrol(client, oci, email):
    body = {
        "program": "one-harmony",
        "family_name": "Sato",
        "given_name": "Hana",
        "email": email,
        "legacy": {"oci": oci},
    }
    return client.post("/api/v1/members/", body, format="json")


@pytest.mark.parametrize("oci", ["１２３４５６", "²²²²²²", "١٢٣٤٥٦"])
def test_f08_a_non_ascii_oci_number_is_refused(oh_office, oh, oci):
    r = enrol(oh_office, oci, "h@example.com")
    # Before the fix: 201 {"number": "700１２３４５６", ...}
    assert r.status_code == 400, (r.status_code, r.content)


def test_f08_one_oci_card_two_memberships(oh_office, oh):
    first = enrol(oh_office, "１２３４５６", "a@example.com")
    second = enrol(oh_office, "123456", "b@example.com")
    # Before the fix: (201, '700１２３４５６') and (201, '700123456')
    assert not (first.status_code == 201 and second.status_code == 201), (first.json(), second.json())
    assert Member.objects.filter(program=oh).count() <= 1
