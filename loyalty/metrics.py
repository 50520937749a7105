"""Prometheus metrics (prometheus_client): requests, database, bills, points, jobs and tasks, at ``/metrics``.

Several processes, one view: gunicorn's workers and Celery's pool are separate processes, so with
``PROMETHEUS_MULTIPROC_DIR`` set (``make serve`` sets it; it must be set before any process starts and emptied
when the stack starts) every process writes its samples to files there and the view adds them up
(prometheus_client's multiprocess mode; gunicorn.conf.py tells it when a worker dies). Unset, each process counts
in its own memory (the tests, ``make run``).

Who may read them: the addresses in ``METRICS_ALLOWED_IPS`` (addresses or networks; default this machine only) or a
request with ``Authorization: Bearer <METRICS_TOKEN>`` when that is set. Anyone else gets 404, and so does a request
that came through the reverse proxy (``X-Forwarded-For``) without the token: the proxy's own address is allowed.

Kernel: Django and prometheus_client only; the apps call the helpers (``points_issued`` ...).
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time
from functools import cache

from django.conf import settings
from django.db import transaction
from django.db.backends.signals import connection_created
from django.http import Http404, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client import REGISTRY as PROCESS_REGISTRY

LATENCY = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
QUERY_LATENCY = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5, 30)
JOB_LATENCY = (0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600)

http_requests = Counter(
    "loyalty_http_requests", "HTTP requests answered, by view and status.", ["method", "view", "status"]
)
http_latency = Histogram(
    "loyalty_http_request_duration_seconds", "Time to answer a request.", ["method", "view"], buckets=LATENCY
)
db_query_errors = Counter("loyalty_db_query_errors", "Database statements that raised.", ["alias"])
db_latency = Histogram(
    "loyalty_db_query_duration_seconds",
    "Time of one database statement (its _count: the statements run).",
    ["alias"],
    buckets=QUERY_LATENCY,
)
db_connections = Counter(
    "loyalty_db_connections_opened", "Database connections opened (persistent connections keep it flat).", ["alias"]
)
bills = Counter(
    "loyalty_bills",
    "Bills reported, by source (api: POST /api/v1/bills/; import: the nightly file, import_bills) and outcome"
    " (accepted, resent, rejected, error).",
    ["source", "outcome"],
)
points_issued_total = Counter("loyalty_points_issued", "Points credited (earn, bonus, adjust, ...).", ["kind"])
points_redeemed_total = Counter("loyalty_points_redeemed", "Points debited (redeem, adjust, ...).", ["kind"])
job_latency = Histogram(
    "loyalty_job_duration_seconds", "Time of a job run (J1-J4), by outcome.", ["job", "program", "state"],
    buckets=JOB_LATENCY,
)  # fmt: skip
job_last_success = Gauge(
    "loyalty_job_last_success_timestamp_seconds",
    "When each job last finished well (Unix time).",
    ["job", "program"],
    multiprocess_mode="max",
)
celery_tasks = Counter("loyalty_celery_tasks", "Celery tasks run, by task and final state.", ["task", "state"])


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR")


def exposition() -> bytes:
    """Every process's samples (multiprocess mode) or this process's."""
    if multiprocess_dir():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(PROCESS_REGISTRY)


# --- what the apps count -----------------------------------------------------------------------------------------


def _on_commit(fn) -> None:
    """Count what the transaction did once it is committed (a rolled-back bill earned nothing)."""
    transaction.on_commit(fn)


def points_issued(kind: str, amount: int) -> None:
    if amount > 0:
        _on_commit(lambda: points_issued_total.labels(kind=kind).inc(amount))


def points_redeemed(kind: str, amount: int) -> None:
    if amount > 0:
        _on_commit(lambda: points_redeemed_total.labels(kind=kind).inc(amount))


def bills_imported(*, accepted: int, resent: int, rejected: int, failed: bool = False) -> None:
    """What one run of ``import_bills`` did (a run that failed counts what it wrote before, and one ``error``)."""
    for outcome, count in (("accepted", accepted), ("resent", resent), ("rejected", rejected), ("error", int(failed))):
        if count:
            bills.labels(source="import", outcome=outcome).inc(count)


def job_finished(*, job: str, program: str, state: str, seconds: float) -> None:
    job_latency.labels(job=job, program=program, state=state).observe(seconds)
    if state == "done":
        job_last_success.labels(job=job, program=program).set(time.time())


# --- requests and database ---------------------------------------------------------------------------------------

BILL_OUTCOMES = {201: "accepted", 200: "resent"}


class MetricsMiddleware:
    """Counts and times every request by view (the URL pattern's name, never the raw path); the bills endpoint's
    answers are also counted as bills accepted (201), resent (200), rejected (4xx) or failed (5xx)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or match.route) if match else "unmatched"
        http_latency.labels(method=request.method, view=view).observe(time.perf_counter() - start)
        http_requests.labels(method=request.method, view=view, status=response.status_code).inc()
        if view == "api-bills" and request.method == "POST":
            code = response.status_code
            bills.labels(source="api", outcome=BILL_OUTCOMES.get(code, "rejected" if code < 500 else "error")).inc()
        return response


@cache
def _db_latency(alias: str):
    return db_latency.labels(alias=alias)


def _timed_query(execute, sql, params, many, context):
    """One histogram observation per statement (a few microseconds; the label's child looked up once)."""
    start = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    except Exception:
        db_query_errors.labels(alias=context["connection"].alias).inc()
        raise
    finally:
        _db_latency(context["connection"].alias).observe(time.perf_counter() - start)


def _instrument_connection(sender, connection, **kwargs) -> None:
    db_connections.labels(alias=connection.alias).inc()
    if _timed_query not in connection.execute_wrappers:
        connection.execute_wrappers.append(_timed_query)


def connect() -> None:
    """Count connections and statements of every database connection this process opens."""
    connection_created.connect(_instrument_connection, dispatch_uid="loyalty-metrics-connection")


# --- the endpoint ------------------------------------------------------------------------------------------------


@cache
def _allowed_networks(entries: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(e.strip(), strict=False) for e in entries if e.strip())


def allowed(request) -> bool:
    token = getattr(settings, "METRICS_TOKEN", "")
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].strip(), token):
        return True
    if "HTTP_X_FORWARDED_FOR" in request.META or "HTTP_X_REAL_IP" in request.META:
        return False  # came through the reverse proxy (whose address is allowed): only the token lets it in
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in net for net in _allowed_networks(tuple(getattr(settings, "METRICS_ALLOWED_IPS", ()))))


def metrics_view(request):
    """Prometheus' text format, for allowed addresses or the token; 404 for anyone else."""
    if not allowed(request):
        raise Http404
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
