"""Gunicorn settings for the web processes (``gunicorn loyalty.wsgi``; this file is read from the working directory).

Sync workers behind a reverse proxy (which buffers slow clients and keeps their connections alive), two per core by
default (``WEB_CONCURRENCY``): a request spends part of its time waiting on PostgreSQL (the commit's flush), so
one process per core would leave the cores idle meanwhile. (Measured with scripts/bench_bills.py: the threaded
worker's kept-alive connections pin clients to workers and left cores idle, 100 bills/s against 170-190.)
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
worker_class = "sync"
max_requests = 10_000  # a worker is replaced now and then (memory), at random moments so not all at once
max_requests_jitter = 1_000
timeout = 60
accesslog = os.environ.get("GUNICORN_ACCESS_LOG")  # unset: no access log (the proxy in front keeps one); "-": stdout
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))  # SIGTERM: requests in flight finish


# gunicorn's own lines (and the access log when on) in the format of the application's: JSON by default on production
# settings (LOG_FORMAT, as loyalty/settings/production.py), one object per line with the request id.
_settings = os.environ.get("DJANGO_SETTINGS_MODULE", "loyalty.settings.production")  # loyalty/wsgi.py's default
if os.environ.get("LOG_FORMAT", "json" if _settings.endswith(".production") else "text") == "json":
    from gunicorn.glogging import Logger

    class JsonLogger(Logger):
        def setup(self, cfg):
            super().setup(cfg)
            from loyalty.logs import gunicorn_json

            gunicorn_json(self)

    logger_class = JsonLogger


def child_exit(server, worker):
    """Prometheus multiprocess mode (loyalty/metrics.py): a worker that is gone no longer reports live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


# gunicorn's control socket (``gunicornc``) has one default path per user: two instances on one machine would share
# it. Off unless GUNICORN_CONTROL_SOCKET names a path for this instance.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True
