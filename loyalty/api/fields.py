"""Serializer fields the API shares (API.md 1.1 "Hostile input")."""

from __future__ import annotations

import datetime as dt

from rest_framework import serializers

from loyalty import clock

EARLIEST_DATE = dt.date(2000, 1, 1)
IMPLAUSIBLE_DATE = "implausible_date"


def latest_plausible_date() -> dt.date:
    """Tomorrow in Asia/Tokyo (the business clock): no bill is paid and no member enrolls later than that."""
    return clock.today() + dt.timedelta(days=1)


class PlausibleDateField(serializers.DateField):
    """A date of a bill or an enrolment: from 2000-01-01 to tomorrow (Asia/Tokyo), else ``400 implausible_date``.

    Years like 2099 or 0001 are typing errors or attacks, never real bills; years 9997-9999 used to overflow the
    posting and expiry arithmetic into a 500 (issue 13 item 3)."""

    default_error_messages = {
        IMPLAUSIBLE_DATE: "Date {value} is implausible: it must be between {earliest} and {latest} "
        "(tomorrow, Asia/Tokyo).",
    }

    def to_internal_value(self, value):
        date = super().to_internal_value(value)
        latest = latest_plausible_date()
        if not EARLIEST_DATE <= date <= latest:
            self.fail(IMPLAUSIBLE_DATE, value=date.isoformat(), earliest=EARLIEST_DATE.isoformat(), latest=latest)
        return date


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer and nothing else: yen and counts are integers in the contract ("integer yen"), so ``"5000"``,
    ``5000.0``, ``5e3`` and ``true`` are refused naming the field, not read as 5000 (or 1)."""

    default_error_messages = {"not_integer": "Must be a JSON integer such as 5000 (not {kind})."}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            kind = "true/false" if isinstance(data, bool) else "a number with a fraction or exponent"
            if isinstance(data, str):
                kind = "a string"
            elif data is None:
                kind = "null"
            elif not isinstance(data, (bool, int, float)):
                kind = type(data).__name__
            self.fail("not_integer", kind=kind)
        return super().to_internal_value(data)
