"""JSON logs with the request id, carried from a request into the tasks it queues; jobs log what they did."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest

from loyalty import logs


def formatted(record: logging.LogRecord) -> dict:
    logs.ContextFilter().filter(record)
    return json.loads(logs.JsonFormatter().format(record))


def record(msg="hello %s", args=("world",), **extra) -> logging.LogRecord:
    r = logging.LogRecord("loyalty.test", logging.INFO, __file__, 1, msg, args, None)
    r.__dict__.update(extra)
    return r


def test_one_json_object_per_line_with_the_extra_fields():
    token = logs.request_id.set("abc12345")
    try:
        data = formatted(record(job="post_points", as_of=dt.date(2027, 3, 10), counts={"lots": 3}))
    finally:
        logs.request_id.reset(token)
    assert data["message"] == "hello world"
    assert data["level"] == "INFO" and data["logger"] == "loyalty.test"
    assert data["request_id"] == "abc12345"
    assert (data["job"], data["as_of"], data["counts"]) == ("post_points", "2027-03-10", {"lots": 3})


def test_an_exception_stays_on_one_line():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        r = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    line = logs.JsonFormatter().format(r)
    assert "\n" not in line
    assert "ValueError: boom" in json.loads(line)["exception"]
    assert json.loads(line)["request_id"] is None


def test_the_request_id_is_taken_from_the_proxy_or_made_and_answered(client):
    response = client.get("/health/live/", HTTP_X_REQUEST_ID="req-0123456789")
    assert response["X-Request-ID"] == "req-0123456789"
    made = client.get("/health/live/", HTTP_X_REQUEST_ID="bad id with spaces\n")["X-Request-ID"]
    assert len(made) == 32 and made.isalnum()
    assert client.get("/health/live/")["X-Request-ID"] != made


def test_log_lines_of_a_request_carry_its_id():
    from django.http import HttpResponse
    from django.test import RequestFactory

    seen = []

    def view(request):
        seen.append(formatted(record("inside the view", ())))
        return HttpResponse("ok")

    request = RequestFactory().get("/", HTTP_X_REQUEST_ID="req-abcdef123")
    response = logs.RequestIdMiddleware(view)(request)
    assert seen == [seen[0]] and seen[0]["request_id"] == "req-abcdef123"
    assert response["X-Request-ID"] == "req-abcdef123"
    assert logs.request_id.get() is None  # nothing leaks into the next request


def test_a_task_queued_during_a_request_carries_its_id():
    from loyalty.celery import _carry_request_id

    token = logs.request_id.set("req-queued-1234")
    try:
        headers: dict = {}
        _carry_request_id(headers=headers)
    finally:
        logs.request_id.reset(token)
    assert headers["request_id"] == "req-queued-1234"
    outside: dict = {}
    _carry_request_id(headers=outside)
    assert outside == {}


@pytest.mark.django_db
def test_every_job_run_logs_its_as_of_date_counts_and_duration(noc, caplog):
    from points.services.jobs import post_points

    with caplog.at_level(logging.INFO, logger="loyalty.jobs"):
        post_points(as_of=dt.date(2027, 3, 10), program=noc)
    (line,) = [r for r in caplog.records if r.name == "loyalty.jobs"]
    assert (line.job, line.program, line.as_of, line.state) == ("post_points", "new-otani", "2027-03-10", "done")
    assert line.counts == {"lots": 0, "entries": 0, "members_in_debt": 0}
    assert line.duration_ms >= 0
    data = formatted(line)
    assert data["as_of"] == "2027-03-10" and data["counts"]["lots"] == 0


def test_sentry_is_initialised_only_with_a_dsn():
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import django, sentry_sdk; django.setup(); "
        "print(sentry_sdk.get_client().is_active(), sentry_sdk.get_client().dsn)"
    )
    root = Path(__file__).resolve().parents[2]
    import os

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "loyalty.settings.test"}
    env.pop("SENTRY_DSN", None)
    off = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=60)
    assert off.stdout.split()[0] == "False", off.stderr
    env["SENTRY_DSN"] = "https://public@sentry.invalid/1"
    on = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=60)
    assert on.stdout.split() == ["True", "https://public@sentry.invalid/1"], on.stderr


def test_gunicorn_logs_json_with_the_request_id_of_the_answer(capsys, monkeypatch):
    """Issue 18: gunicorn's own lines and its access log (when GUNICORN_ACCESS_LOG turns it on) are JSON on production
    settings, an access line carrying the request id the application answered."""
    import runpy
    from pathlib import Path
    from types import SimpleNamespace

    from gunicorn.config import Config

    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "loyalty.settings.production")
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    conf = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("errorlog", "-")
    logger = conf["logger_class"](cfg)
    logger.info("Booting worker with pid: %s", 42)
    resp = SimpleNamespace(status="201 Created", sent=123, headers=[("X-Request-ID", "req-1234567890")])
    req = SimpleNamespace(headers=[("USER-AGENT", "PMS/2.1")])
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/api/v1/bills/",
        "QUERY_STRING": "",
        "RAW_URI": "/api/v1/bills/",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.7",
        "HTTP_USER_AGENT": "PMS/2.1",
    }
    logger.access(resp, req, environ, dt.timedelta(milliseconds=12, microseconds=300))
    captured = capsys.readouterr()
    access = json.loads(captured.out.strip().splitlines()[-1])
    assert access["logger"] == "gunicorn.access"
    assert access["request_id"] == "req-1234567890"
    assert access["method"] == "POST" and access["path"] == "/api/v1/bills/" and access["status"] == 201
    assert access["remote"] == "10.0.0.7" and access["bytes"] == 123 and access["duration_ms"] == 12.3
    assert access["user_agent"] == "PMS/2.1"
    error = json.loads(captured.err.strip().splitlines()[-1])
    assert error["logger"] == "gunicorn.error" and error["message"] == "Booting worker with pid: 42"


def test_gunicorn_logs_stay_text_when_asked(monkeypatch):
    import runpy
    from pathlib import Path

    monkeypatch.setenv("LOG_FORMAT", "text")
    conf = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    assert "logger_class" not in conf
