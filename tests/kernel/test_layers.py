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


def _contract_layers() -> set[str]:
    import re
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    layers = next(c["layers"] for c in config if c["type"] == "layers")
    return {name.strip() for layer in layers for name in re.split(r"[|:]", layer)}


def test_every_module_of_the_project_package_sits_in_a_layer():
    """A new file in loyalty/ is either a surface (portal/, office/, the wiring files) or kernel: the contract names
    it, so the import checker sees it (``loyalty/__init__.py`` only loads the Celery app, the Django convention)."""
    listed = _contract_layers()
    package = ROOT / "loyalty"
    names = {p.stem for p in package.glob("*.py") if p.stem != "__init__"} | {
        p.name for p in package.iterdir() if p.is_dir() and (p / "__init__.py").exists()
    }
    assert {f"loyalty.{name}" for name in names} - listed == set()
    assert {"members", "points", "rewards"} <= listed


def test_the_rulebooks_import_the_standard_library_and_themselves_only():
    """The rulebooks are pure code (STYLE.md): plain data in, plain data out, nothing to mock."""
    import ast

    found = set()
    for path in (ROOT / "loyalty" / "rulebooks").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module)
    outside = {
        name
        for name in found
        if name.split(".")[0] not in sys.stdlib_module_names and not name.startswith("loyalty.rulebooks")
    }
    assert outside == set()
