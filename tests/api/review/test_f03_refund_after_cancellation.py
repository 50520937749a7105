"""F03 (HIGH): refunding a bill of a cancelled member retracts points that M9 already forfeited: the same 3,910
points leave the account twice and the closed account ends at -3,910, a debt "for the office to charge" (R1,
EX5) for points the member never kept. ``bill_refund``/``points_retract`` do not consider forfeited lots: the
bill's own lots have ``remaining == 0`` after the forfeit, so the whole retraction becomes a debt lot."""

from __future__ import annotations

from tests.api.test_bills_api import URL

REFUND = "/api/v1/bills/NOT/F-1001/refund/"


def test_f03_refund_after_cancellation_takes_the_forfeited_points_a_second_time(not_client, noc_office, folio, member):
    # Given the API.md bill (3,910 pending points), then the office cancels the membership (M9): 3,910 forfeited
    assert not_client.post(URL, folio, format="json").status_code == 201
    cancelled = noc_office.delete(f"/api/v1/members/{member.number}/")
    assert cancelled.status_code == 200 and cancelled.json()["points_forfeited"] == 3910
    # When the hotel refunds the bill
    refund = not_client.generic("POST", REFUND, "{}", content_type="application/json")
    account = noc_office.get(f"/api/v1/members/{member.number}/").json()
    # Then the forfeited points are not taken a second time
    # Before the fix: 200 {"points_retracted": 3910, "balance": -3910}; the account shows balance -3910
    assert refund.status_code >= 400 or refund.json()["points_retracted"] == 0, (refund.content, account["points"])
