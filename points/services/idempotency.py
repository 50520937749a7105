"""The API's idempotency keys (API.md 1.1): answers are replayed for 24 hours (Default), then forgotten."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from ..models import IdempotencyKey


@transaction.atomic
def idempotency_keys_purge(*, before: dt.datetime) -> int:
    """Forget the answers first given before ``before`` (their retry window has passed). Returns how many."""
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=before).delete()
    return deleted
