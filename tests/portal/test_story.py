"""The story of the balance in plain words (A4, SH2, R1, EX5, NR1, OR1; STYLE.md "Members read plain words"): one
line per billing, redemptions that say what they bought, refunds on their stay, why a stay earned nothing, a negative
balance explained; no rule ID on any member page, in English or Japanese; names in Japanese, family name first."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from points.models import Bill, BillExclusion, BillRefund
from points.services import ledger
from rewards.models import Award, Certificate, CertificateRequest
from tests.factories import HotelFactory, make_bill

from .conftest import portal_member, stay

pytestmark = pytest.mark.django_db

RULE_ID = re.compile(r"\b(NE|NX|OE|NR|OR|EX|SH|ST|PT|J|A|M|R|T)\d{1,2}\b")


def _words(response) -> str:
    """The page's visible words (tags dropped)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _earn(member, bill, *, points: int, bonus: int = 0):
    ledger.points_earn(
        member=member,
        bill=bill,
        points=points,
        bonus_points=bonus,
        used_on=bill.paid_on,
        posts_on=bill.posts_on,
        expires_on=bill.expires_on,
    )


def test_a4_oe6_ne7_one_line_per_billing_with_bonus_and_posting(member_client, member):
    # Given a stay that earned 1,000 points and a 200-point status bonus, posted, and a meal still pending
    today = timezone.localdate()
    hotel = HotelFactory(program=member.program, name="The Okura Tokyo", name_ja="オークラ東京")
    bill = make_bill(
        member,
        hotel=hotel,
        paid_on=today - dt.timedelta(days=40),
        points=1000,
        bonus_points=200,
        nights=2,
        arrival_on=today - dt.timedelta(days=42),
        departure_on=today - dt.timedelta(days=40),
    )
    _earn(member, bill, points=1000, bonus=200)
    ledger.lots_post(member=member, as_of=bill.posts_on)
    meal = make_bill(member, hotel=hotel, paid_on=today - dt.timedelta(days=2), points=90, kind=Bill.Kind.DINING)
    _earn(member, meal, points=90)
    # When the member opens the summary
    response = member_client.get(reverse("summary"))
    lines = response.context["activity_lines"]
    # Then each billing is one line: earned with the bonus included, and whether it is posted or pending
    assert [(line.kind, line.points) for line in lines] == [("dining", 90), ("stay", 1200)]
    stay_line = lines[1]
    assert stay_line.title == "Stay at The Okura Tokyo"
    assert "Includes a status bonus of 200 points" in stay_line.details
    assert stay_line.state.startswith(f"Posted on {bill.posts_on.isoformat()}")
    assert lines[0].state.startswith(f"Pending until {meal.posts_on.isoformat()}")
    assert "+1,200" in response.text
    # And in Japanese the hotel is named in Japanese and the words are Japanese
    ja = member_client.get(reverse("summary"), HTTP_ACCEPT_LANGUAGE="ja")
    words = _words(ja)
    assert "オークラ東京 ご宿泊" in words
    assert "ステータスボーナス 200 ポイントを含みます" in words
    assert "加算済み" in words and "加算待ち" in words


def test_nr1_redemption_says_what_it_bought(client, noc_member):
    # Given a New Otani member who redeemed three certificates
    today = timezone.localdate()
    hotel = HotelFactory(program=noc_member.program, name="Hotel New Otani Tokyo", name_ja="ホテルニューオータニ東京")
    stay(noc_member, hotel=hotel, paid_on=today - dt.timedelta(days=60), points=20000)
    request = CertificateRequest.objects.create(
        member=noc_member,
        count=3,
        points=15000,
        hotel=hotel,
        arrival_on=today + dt.timedelta(days=30),
        requested_on=today,
        channel="website",
    )
    for i in (1, 2, 3):
        Certificate.objects.create(
            request=request,
            member=noc_member,
            number=f"RC-T-{i}",
            value=5000,
            member_name="x",
            card_number=noc_member.number,
            issued_on=today,
            valid_until=today + dt.timedelta(days=365),
            hotel=hotel,
        )
    ledger.points_debit(member=noc_member, kind="redeem", points=15000, on=today, certificate_request=request)
    client.force_login(noc_member.user)
    # When the member reads the activity
    line = client.get(reverse("summary")).context["activity_lines"][0]
    # Then the line names the certificates, their value, the hotel and their numbers
    assert (line.title, line.points) == ("Reward Certificates", -15000)
    assert any("3 certificate(s) of ¥5,000 for your stay at Hotel New Otani Tokyo" in d for d in line.details)
    assert "Certificate numbers: RC-T-1, RC-T-2, RC-T-3" in line.details
    words = _words(client.get(reverse("summary"), HTTP_ACCEPT_LANGUAGE="ja"))
    assert "ご優待券番号：RC-T-1, RC-T-2, RC-T-3" in words


def test_or1_award_redemption_names_the_award(member_client, member):
    from rewards.models import AwardRedemption

    today = timezone.localdate()
    stay(member, hotel=HotelFactory(program=member.program), paid_on=today - dt.timedelta(days=60), points=9000)
    award = Award.objects.create(
        program=member.program, code="GIFT-T", kind="gift", name="Dining ticket", name_ja="お食事券", points=5000
    )
    redemption = AwardRedemption.objects.create(member=member, award=award, points=5000, channel="website")
    ledger.points_debit(member=member, kind="redeem", points=5000, on=today, award_redemption=redemption)
    line = member_client.get(reverse("summary")).context["activity_lines"][0]
    assert line.title == "Award: Dining ticket"
    assert "特典：お食事券" in _words(member_client.get(reverse("summary"), HTTP_ACCEPT_LANGUAGE="ja"))


def test_r1_ex5_refund_shows_on_its_stay_and_a_negative_balance_is_explained(client, noc_member):
    # Given a posted stay whose points were all redeemed, then refunded in full: the balance goes negative
    today = timezone.localdate()
    hotel = HotelFactory(program=noc_member.program, name="Hotel New Otani Tokyo")
    bill = stay(noc_member, hotel=hotel, paid_on=today - dt.timedelta(days=60), points=5000, nights=3)
    ledger.points_debit(member=noc_member, kind="redeem", points=5000, on=today)
    refund = BillRefund.objects.create(bill=bill, amount=120000, points_retracted=5000)
    ledger.points_retract(member=noc_member, bill=bill, refund=refund, points=5000, bonus_points=0, on=today)
    client.force_login(noc_member.user)
    # When the member opens the summary
    response = client.get(reverse("summary"))
    text = _words(response)
    # Then the stay history shows the refund on the stay and what it earned after it
    stay_line = response.context["stay_lines"][0]
    assert stay_line.points == 0
    assert stay_line.refunds == ["¥120,000 refunded: 5,000 points taken back"]
    # And the balance says why it is negative, that later points pay it first and what the office may charge
    debt = response.context["debt"]
    assert debt.points == 5000 and debt.yen == response.context["summary"].debt_yen > 0
    assert "Your balance is below zero." in text
    assert "took back 5,000 points that had already been redeemed" in text
    assert "The points you earn from now on pay these 5,000 points first" in text
    assert f"The office may instead ask you to pay ¥{debt.yen:,}" in text
    assert "you can redeem them now" not in text
    ja = _words(client.get(reverse("summary"), HTTP_ACCEPT_LANGUAGE="ja"))
    assert "ポイント残高がマイナスになっています。" in ja and f"¥{debt.yen:,}" in ja


def test_sh2_a_stay_that_earned_nothing_says_why(member_client, member):
    # Given a stay booked through an online travel agent: it earned nothing (no ledger entry at all)
    today = timezone.localdate()
    bill = make_bill(
        member,
        hotel=HotelFactory(program=member.program),
        paid_on=today - dt.timedelta(days=20),
        points=0,
        nights=1,
        arrival_on=today - dt.timedelta(days=21),
        departure_on=today - dt.timedelta(days=20),
    )
    BillExclusion.objects.create(bill=bill, position=0, rule="NX6", amount=30000, detail="booked through an OTA")
    response = member_client.get(reverse("summary"))
    # Then its stay-history row gives the reason in words, not the rule ID
    assert response.context["stay_lines"][0].why_nothing == [
        "Stays booked through travel agencies or online travel sites do not earn points."
    ]
    assert "NX6" not in _words(response)


@pytest.mark.parametrize("language", ["en", "ja"])
def test_no_rule_id_or_code_on_any_member_page(client, language):
    # Given members of both programs with stays whose exclusions cite rules
    today = timezone.localdate()
    for code in ("one-harmony", "new-otani"):
        member = portal_member(code)
        stay(
            member,
            hotel=HotelFactory(program=member.program),
            paid_on=today - dt.timedelta(days=30),
            points=400,
            exclusions=[("NX3", 800, "mini bar"), ("OE2", 500, "laundry"), ("NE4", 100, "paid later")],
        )
        client.force_login(member.user)
        for name in ("summary", "card", "profile", "claims", "certificates", "awards"):
            # When any page is opened, then no rule ID is among its words
            words = _words(client.get(reverse(name), HTTP_ACCEPT_LANGUAGE=language))
            found = RULE_ID.findall(words)
            assert not found, (code, name, found)


def test_japanese_names_family_name_first(client, db):
    member = portal_member("new-otani", family_name="鈴木", given_name="一郎")
    client.force_login(member.user)
    words = _words(client.get(reverse("summary"), HTTP_ACCEPT_LANGUAGE="ja"))
    assert "鈴木 一郎 様" in words and "一郎 鈴木" not in words
    assert "ニューオータニクラブ ポイントプログラム" in words  # the program's Japanese name
    latin = portal_member("one-harmony", family_name="Suzuki", given_name="Ichiro")
    client.force_login(latin.user)
    assert "Suzuki Ichiro" in _words(client.get(reverse("card"), HTTP_ACCEPT_LANGUAGE="ja"))
    assert "Ichiro Suzuki" in _words(client.get(reverse("card")))
    assert "Welcome, Ichiro Suzuki" in _words(client.get(reverse("summary")))
