"""Queueing Celery work once a transaction commits, without letting a broker that is down fail the request.

``enqueue_on_commit(task, ...)`` publishes after the commit; if the broker is unreachable the error is logged and
the request's answer stands (its rows are committed). Everything queued this way must be work a scheduled job also
finds and does at its next beat (issue 13 item 5): the posting of pending points (J1), the expiry reminders, the
reconciliation (J5) are set-based over what is due, so nothing is lost when one message is.
"""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task, *args, **kwargs) -> bool:
    """Publish ``task`` now; ``False`` (logged) when the broker cannot take it."""
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=False)
    except Exception as exc:  # kombu's OperationalError, a refused connection, a timeout ...
        logger.warning("Could not queue %s (broker unreachable: %s); the next beat does the work", task.name, exc)
        return False
    return True


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Publish ``task`` when the current transaction commits (never from inside it: STYLE.md)."""
    transaction.on_commit(lambda: enqueue(task, *args, **kwargs))
