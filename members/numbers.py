"""Membership numbers (M1, M2): fixed length per program, with a Luhn check digit so a mistyped number at a
front desk is caught. Pure functions."""

from __future__ import annotations

OCI_PREFIX = "700"  # M2: a former OCI member's One Harmony number is "700" + the 6-digit OCI number.


def luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def number_from_serial(serial: int, digits: int) -> str:
    """The ``digits``-long number of a serial: serial digits then one check digit."""
    body = str(serial)
    if len(body) != digits - 1:
        raise ValueError(f"serial {serial} does not make a {digits}-digit number")
    return body + luhn_digit(body)


def first_serial(digits: int) -> int:
    """Serials start at 1 followed by zeros, so numbers never start with 0 nor with the OCI prefix 700."""
    return 10 ** (digits - 2) + 1


def oci_number(oci: str) -> str:
    """M2: "700" followed by the 6-digit OCI number."""
    if not (oci.isascii() and oci.isdigit() and len(oci) == 6):
        raise ValueError("an OCI membership number has 6 digits")
    return OCI_PREFIX + oci
