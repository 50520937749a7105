"""Logs people can search: one JSON object per line, each carrying the request id of the HTTP request it belongs to,
also in the Celery tasks that request queued (``loyalty.celery`` passes it in a message header).

* ``JsonFormatter``: ``{"time", "level", "logger", "message", "request_id", "task_id", "task", ...extra}``; anything
  given as ``extra={...}`` becomes a key of its own (a job run logs ``job``, ``as_of``, ``counts``, ``duration_ms``).
* ``RequestIdMiddleware``: takes the proxy's ``X-Request-ID`` when it looks like one (else makes one), keeps it for
  the request's logs and tasks and answers it in the response's ``X-Request-ID``.
* ``ContextFilter``: adds the current request id (and task) to every record, whatever the formatter.

Kernel: Django only.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import traceback
import uuid

REQUEST_ID_HEADER = "X-Request-ID"
_VALID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")  # what a proxy's request id looks like; anything else is replaced

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
task_context: contextvars.ContextVar[dict | None] = contextvars.ContextVar("task_context", default=None)

# The attributes every LogRecord has: anything else on a record came from ``extra=`` and is logged as a key.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime", "request_id"}


def new_request_id() -> str:
    return uuid.uuid4().hex


def accepted_request_id(value: str | None) -> str:
    """The caller's request id if it is a sane token, else a new one."""
    return value if value and _VALID.match(value) else new_request_id()


class ContextFilter(logging.Filter):
    """Puts ``request_id`` (and, in a task, ``task_id`` and ``task``) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get() or "-"
        task = task_context.get()
        if task:
            for key, value in task.items():
                if not hasattr(record, key):
                    setattr(record, key, value)
        return True


def _default(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


class JsonFormatter(logging.Formatter):
    """One JSON object per line (no newlines inside: tracebacks are a string field)."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id.get() if getattr(record, "request_id", "-") == "-" else record.request_id,
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                data[key] = value
        if record.exc_info:
            data["exception"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        elif record.exc_text:
            data["exception"] = record.exc_text
        if record.stack_info:
            data["stack"] = record.stack_info
        return json.dumps(data, default=_default, ensure_ascii=False)


class RequestIdMiddleware:
    """First in the chain: every log line of a request, and every task it queues, carries its id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = accepted_request_id(request.META.get("HTTP_X_REQUEST_ID"))
        request.request_id = rid
        token = request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response[REQUEST_ID_HEADER] = rid
        return response


def logging_config(*, fmt: str, level: str) -> dict:
    """The ``LOGGING`` setting: everything to stderr, JSON (``fmt="json"``) or plain text."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "loyalty.logs.ContextFilter"}},
        "formatters": {
            "json": {"()": "loyalty.logs.JsonFormatter"},
            "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": fmt, "filters": ["context"]},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's request errors (500s with their traceback) go to the root handler once, not to mail_admins.
            "django": {"handlers": ["console"], "level": level, "propagate": False},
            "celery": {"handlers": ["console"], "level": level, "propagate": False},
        },
    }


class AccessJsonFormatter(JsonFormatter):
    """gunicorn's access log as JSON: one object per request with its own keys (``remote``, ``method``, ``path``,
    ``query``, ``status``, ``bytes``, ``duration_ms``, ``user_agent``, ``referer``) and the request id the
    application answered in ``X-Request-ID``, so an access line joins the application's lines of that request.
    gunicorn passes its "atoms" as the record's arguments; a record without them is formatted as any other."""

    def format(self, record: logging.LogRecord) -> str:
        atoms = record.args
        if not hasattr(atoms, "get") or not hasattr(atoms, "__getitem__"):
            return super().format(record)

        def atom(key: str):
            value = atoms[key]
            return None if value in ("-", "", None) else value

        duration = atom("D")
        data = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": f"{atom('m')} {atom('U')} {atom('s')}",
            "request_id": atom("{x-request-id}o"),
            "remote": atom("h"),
            "method": atom("m"),
            "path": atom("U"),
            "query": atom("q"),
            "status": int(atoms["s"]) if str(atoms["s"]).isdigit() else atom("s"),
            "bytes": atom("B"),
            "duration_ms": round(int(duration) / 1000, 1) if duration is not None else None,
            "user_agent": atom("a"),
            "referer": atom("f"),
        }
        return json.dumps({k: v for k, v in data.items() if v is not None}, default=_default, ensure_ascii=False)


def gunicorn_json(logger) -> None:
    """Called by ``gunicorn.conf.py``'s logger class once gunicorn set its loggers up: its error log (start, stop,
    worker timeouts) and access log (when ``GUNICORN_ACCESS_LOG`` turns it on) write JSON, as the application does."""
    for handler in logger.error_log.handlers:
        handler.setFormatter(JsonFormatter())
    for handler in logger.access_log.handlers:
        handler.setFormatter(AccessJsonFormatter())
