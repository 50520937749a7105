"""My Account's words for things: names in the member's language, family name first in Japanese, yen, dates."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.translation import get_language

register = template.Library()


def japanese() -> bool:
    return (get_language() or "").startswith("ja")


def _cjk(text: str) -> bool:
    return any("\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff" for c in text or "")


@register.filter
def local_name(obj) -> str:
    """A hotel's, outlet's, award's or program's name in Japanese when the page is (and it has one)."""
    if obj is None:
        return ""
    name_ja = getattr(obj, "name_ja", "")
    return name_ja if japanese() and name_ja else getattr(obj, "name", str(obj))


def person_name(family: str, given: str) -> str:
    """Family name first in Japanese (and for names written in Japanese); given name first in English."""
    if japanese() or _cjk(family) or _cjk(given):
        return f"{family} {given}".strip()
    return f"{given} {family}".strip()


@register.filter
def member_name(member) -> str:
    return person_name(member.family_name, member.given_name) if member is not None else ""


@register.filter
def yen(amount) -> str:
    """¥5,000 (a minus sign for a negative amount)."""
    try:
        value = int(amount)
    except (TypeError, ValueError):
        return ""
    return f"−¥{-value:,}" if value < 0 else f"¥{value:,}"


@register.filter
def signed(points) -> str:
    """+1,200 / −4,295 (a true minus sign); 0 stays 0."""
    try:
        value = int(points)
    except (TypeError, ValueError):
        return ""
    if value > 0:
        return f"+{value:,}"
    return f"−{-value:,}" if value < 0 else "0"


@register.filter
def number(value) -> str:
    """1,200 / −4,295 (a true minus sign)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return ""
    return f"−{-number:,}" if number < 0 else f"{number:,}"


@register.filter
def day(value) -> str:
    """2026-05-03 in English, 2026年5月3日 in Japanese."""
    if not isinstance(value, dt.date):
        return ""
    if japanese():
        return f"{value.year}年{value.month}月{value.day}日"
    return value.isoformat()


@register.filter
def minutes(value) -> int:
    """A wait (a timedelta) in whole minutes, rounded up, at least 1."""
    if not isinstance(value, dt.timedelta):
        return 0
    return max(1, -(-int(value.total_seconds()) // 60))
