"""The layers (ARCHITECTURE.md "Where does a file go"): imports run one way, kernel <- members <- points <- rewards <-
surfaces. ``lint-imports`` checks the imports (CI runs it, and so does this test); a model's foreign key names its
target by a string ("points.Hotel"), which no import checker sees, so the references that point upward are pinned
here: a new one fails this test until it is justified in ARCHITECTURE.md and added below."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
RANK = {"members": 0, "points": 1, "rewards": 2}

# Each is explained in ARCHITECTURE.md ("References that point upward").
UPWARD_REFERENCES = {
    "members.User.hotel -> points.Hotel",  # a front desk's hotel: staff scope
    "members.Member.enrolled_at -> points.Hotel",  # M3: the hotel where the member enrolled
    "members.HistoricalMember.enrolled_at -> points.Hotel",  # its history row (django-simple-history)
    "members.StatusPeriod.job_run -> points.JobRun",  # ST2: the qualification run that granted the status
    "points.LedgerEntry.certificate_request -> rewards.CertificateRequest",  # NR1: what a redemption paid for
    "points.LedgerEntry.award_redemption -> rewards.AwardRedemption",  # OR1
    "points.LedgerEntry.transfer -> rewards.Transfer",  # T1-T5
}


def upward_references() -> set[str]:
    found = set()
    for model in apps.get_models():
        app = model._meta.app_label
        if app not in RANK:
            continue
        for field in model._meta.get_fields():
            if not (field.is_relation and field.concrete and field.related_model is not None):
                continue
            target = field.related_model._meta.app_label
            if target in RANK and RANK[target] > RANK[app]:
                found.add(f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}")
    return found


def test_model_references_point_upward_only_where_listed():
    assert upward_references() == UPWARD_REFERENCES


def test_imports_run_one_way():
    """The contracts of pyproject.toml ([tool.importlinter]): no import against the direction of the layers, and
    the rulebooks stay pure (no Django, no clock, no database)."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout
