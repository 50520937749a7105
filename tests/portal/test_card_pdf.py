"""M4: the temporary card PDF prints in Japanese: a CJK font (reportlab's CID font ``HeiseiKakuGo-W5``), translated
labels, the program's and the tier's Japanese names, family name first. The text is extracted from the PDF (pypdf)
and a rendered page (pdftoppm) is saved under ``artifacts/``."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from members.models import StatusPeriod, Tier

from .conftest import portal_member

pytestmark = pytest.mark.django_db


def _loyal(member):
    today = timezone.localdate()
    StatusPeriod.objects.create(
        member=member,
        qualification_year=today.year - 1,
        source=StatusPeriod.Source.QUALIFICATION,
        tier=Tier.LOYAL,
        valid_from=today - dt.timedelta(days=30),
        valid_until=dt.date(today.year + 1, 3, 31),
    )


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_m4_card_pdf_prints_in_japanese(client):
    # Given a Loyal One Harmony member with a Japanese name, reading in Japanese
    member = portal_member("one-harmony", family_name="田中", given_name="花子")
    _loyal(member)
    client.force_login(member.user)
    # When the card PDF is downloaded
    response = client.get(reverse("card-pdf"), HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    # Then it uses the Japanese CID font and its text is Japanese: program, label, name (family first), tier, dates
    assert b"HeiseiKakuGo-W5" in response.content
    text = _text(response.content)
    for words in ("ワン ハーモニー", "仮会員証", "田中 花子", "ロイヤル", "まで有効", "印刷", member.number):
        assert words in text, (words, text)
    assert "TEMPORARY" not in text and "until" not in text and "Printed" not in text
    # And a rendered page is saved for people to look at
    artifacts = Path(settings.BASE_DIR) / "artifacts"
    artifacts.mkdir(exist_ok=True)
    pdf_path = artifacts / "card-ja.pdf"
    pdf_path.write_bytes(response.content)
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is missing: apt-get install -y poppler-utils")
    command = ["pdftoppm", "-r", "200", "-png", "-singlefile", str(pdf_path), str(artifacts / "card-ja")]
    subprocess.run(command, check=True)
    assert (artifacts / "card-ja.png").stat().st_size > 1000


def test_m4_card_pdf_in_english_has_english_labels(client):
    member = portal_member("one-harmony", family_name="Tanaka", given_name="Hanako")
    _loyal(member)
    client.force_login(member.user)
    text = _text(client.get(reverse("card-pdf")).content)
    for words in ("One Harmony", "Temporary card", "HANAKO TANAKA", "Loyal, valid until", "Printed on"):
        assert words in text, (words, text)
