"""The office's member workspace (loyalty/office/members.py): merge with a preview (M8), the cards to mail (M4)."""

from __future__ import annotations

from members.models import Card, Member
from members.selectors import member_by_card


def test_m8_admin_merge_shows_a_preview_then_merges_on_confirm(admin_client, pair):
    from django.urls import reverse

    survivor, duplicate = pair
    url = reverse("admin:members_member_office", args=[survivor.pk, "merge"])
    assert admin_client.get(url).status_code == 200
    # When the office types the duplicate's legacy card number, it sees what moves, and nothing moved yet
    preview = admin_client.post(url, {"duplicate": "MYJ777"})
    assert preview.status_code == 200
    assert "2028-01-31" in preview.text and "3,000" in preview.text and "MYJ777" in preview.text
    assert Member.objects.get(pk=duplicate.pk).closed_on is None
    # When it confirms
    done = admin_client.post(url, {"duplicate": "MYJ777", "confirm": "True"})
    assert done.status_code == 302
    assert Member.objects.get(pk=duplicate.pk).merged_into == survivor
    assert member_by_card(number=duplicate.number) == survivor


def test_m4_cards_to_mail_filter_and_csv_export(admin_client, pair):
    from django.urls import reverse

    survivor, _ = pair
    changelist = reverse("admin:members_card_changelist")
    listing = admin_client.get(changelist, {"to_mail": "yes"})
    assert survivor.number in listing.text and ">123456<" not in listing.text  # the OCI card: nothing to mail
    card = survivor.cards.get(kind=Card.Kind.MEMBERSHIP)
    export = admin_client.post(changelist, {"action": "export_csv", "_selected_action": [card.pk]})
    assert export["Content-Type"].startswith("text/csv")
    assert survivor.number in export.content.decode() and "Sato" in export.content.decode()
