"""``make serve``'s process manager: honcho (the Procfile's web, worker and beat), with time to stop cleanly.

honcho gives its processes 5 seconds after SIGTERM before it kills them; a request or a Celery task in flight may
need longer (gunicorn's ``graceful_timeout`` is 30 s, a job's batch a few seconds more). Here the processes get
``SERVE_STOP_TIMEOUT`` seconds (default: ``GUNICORN_GRACEFUL_TIMEOUT`` + 5, so 35), then what is left is killed.

    python scripts/serve.py start -f Procfile      # the arguments are honcho's
"""

from __future__ import annotations

import os
import sys

import honcho.manager
from honcho.command import main


def stop_timeout() -> int:
    graceful = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
    return int(os.environ.get("SERVE_STOP_TIMEOUT", graceful + 5))


if __name__ == "__main__":
    honcho.manager.KILL_WAIT = stop_timeout()
    sys.exit(main())
