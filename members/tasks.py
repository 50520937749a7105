"""Celery tasks of the members domain: thin interfaces over its services."""

from __future__ import annotations

from celery import shared_task

from .models import TermsVersion
from .services.terms import terms_notices_send


@shared_task(name="members.send_terms_notices")
def terms_notices_send_task(version_id: int) -> int:
    """PT3: send the announcement of a terms version to the members not reached yet."""
    return terms_notices_send(version=TermsVersion.objects.select_related("program").get(pk=version_id))
