"""/metrics: who may read it, what it counts, and the sum over several processes (multiprocess mode)."""

from __future__ import annotations

import copy
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from points.models import Outlet, OutletDesignation
from points.services.tokens import api_token_issue
from tests.api.conftest import client_with
from tests.factories import make_member
from tests.points.test_bills import EXAMPLE

ROOT = Path(__file__).resolve().parents[2]


def sample(text: str, name: str, **labels) -> float:
    """The value of one sample in Prometheus' text format (0 when absent)."""
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
    return 0.0


def test_metrics_from_an_allowed_address(client):
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")


def test_metrics_are_404_for_other_addresses_without_the_token(client, settings):
    settings.METRICS_TOKEN = "s3cret-metrics-token"
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404
    wrong = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 404
    right = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret-metrics-token")
    assert right.status_code == 200


def test_through_the_reverse_proxy_only_the_token_opens_them(client, settings):
    settings.METRICS_TOKEN = "s3cret-metrics-token"
    proxied = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    assert client.get("/metrics", **proxied).status_code == 404
    token = "Bearer s3cret-metrics-token"
    assert client.get("/metrics", **proxied, HTTP_AUTHORIZATION=token).status_code == 200


def test_a_network_may_be_allowed(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.20.0.0/16"]
    assert client.get("/metrics", REMOTE_ADDR="10.20.3.4").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404


@pytest.mark.django_db
def test_bills_points_requests_and_statements_are_counted(client, noc):
    from points.models import Hotel

    hotel = Hotel.objects.create(program=noc, code="NOT", name="Hotel New Otani Tokyo", brand="new-otani")
    outlet = Outlet.objects.create(hotel=hotel, code="SATSUKI", name="Satsuki", kind="restaurant")
    OutletDesignation.objects.create(outlet=outlet, effective_from=dt.date(2007, 10, 1), designated=True)
    _, key = api_token_issue(hotel=hotel)
    api = client_with(key)
    folio = copy.deepcopy(EXAMPLE)
    folio["member"] = make_member("new-otani").number

    def scrape() -> str:
        return client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()

    before = scrape()
    assert api.post("/api/v1/bills/", folio, format="json").status_code == 201
    assert api.post("/api/v1/bills/", folio, format="json").status_code == 200
    assert api.post("/api/v1/bills/", {"hotel": "NOT"}, format="json").status_code == 400
    after = scrape()

    def moved(name, **labels):
        return sample(after, name, **labels) - sample(before, name, **labels)

    assert moved("loyalty_bills_total", source="api", outcome="accepted") == 1
    assert moved("loyalty_bills_total", source="api", outcome="resent") == 1
    assert moved("loyalty_bills_total", source="api", outcome="rejected") == 1
    assert moved("loyalty_http_requests_total", method="POST", view="api-bills", status="201") == 1
    assert moved("loyalty_http_request_duration_seconds_count", method="POST", view="api-bills") == 3
    assert moved("loyalty_db_query_duration_seconds_count", alias="default") > 0


@pytest.mark.django_db(transaction=True)
def test_points_are_counted_when_the_transaction_commits(noc):
    from loyalty import metrics
    from points.services import ledger
    from tests.factories import make_bill

    member = make_member("new-otani")
    before = metrics.points_issued_total.labels(kind="earn")._value.get()
    ledger.points_earn(
        member=member,
        bill=make_bill(member),
        points=700,
        bonus_points=0,
        used_on=dt.date(2025, 3, 3),
        posts_on=dt.date(2025, 3, 13),
        expires_on=dt.date(2027, 9, 30),
    )
    assert metrics.points_issued_total.labels(kind="earn")._value.get() - before == 700


def test_several_processes_add_up_in_multiprocess_mode(tmp_path):
    """What gunicorn's workers do: each process counts in PROMETHEUS_MULTIPROC_DIR; any one reports the sum."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "loyalty.settings.test"}
    count = (
        "import django; django.setup(); from loyalty import metrics; "
        "metrics.bills.labels(source='api', outcome='accepted').inc(%d)"
    )
    for n in (2, 5):
        subprocess.run([sys.executable, "-c", count % n], cwd=ROOT, env=env, check=True, timeout=60)
    report = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from loyalty import metrics; "
         "import sys; sys.stdout.write(metrics.exposition().decode())"],
        cwd=ROOT, env=env, check=True, timeout=60, capture_output=True, text=True,
    ).stdout  # fmt: skip
    assert sample(report, "loyalty_bills_total", outcome="accepted") == 7


@pytest.mark.django_db
def test_the_nightly_file_is_counted_beside_the_api(noc, tmp_path):
    """Issue 18: bills that come by import_bills move loyalty_bills_total{source="import"} as the API's move
    {source="api"}: accepted, resent (a line already recorded) and rejected."""
    import io
    import json

    from django.core.management import call_command

    from loyalty import metrics
    from points.models import Hotel

    hotel = Hotel.objects.create(program=noc, code="NOT", name="Hotel New Otani Tokyo", brand="new-otani")
    outlet = Outlet.objects.create(hotel=hotel, code="SATSUKI", name="Satsuki", kind="restaurant")
    OutletDesignation.objects.create(outlet=outlet, effective_from=dt.date(2007, 10, 1), designated=True)
    folio = copy.deepcopy(EXAMPLE)
    folio["member"] = make_member("new-otani").number
    path = tmp_path / "bills.jsonl"
    path.write_text("\n".join([json.dumps(folio), json.dumps(folio), "{not json", json.dumps({"hotel": "NOT"})]) + "\n")

    def count(outcome: str) -> float:
        return metrics.bills.labels(source="import", outcome=outcome)._value.get()

    before = {o: count(o) for o in ("accepted", "resent", "rejected", "error")}
    call_command("import_bills", str(path), "--no-progress", "--workers", "1", stdout=io.StringIO())
    assert {o: count(o) - before[o] for o in before} == {"accepted": 1, "resent": 1, "rejected": 2, "error": 0}
