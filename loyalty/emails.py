"""Email addresses as the programs take them (M3; API.md 1.1 "Mobile email addresses").

Mobile-phone addresses are accepted (M3). Japanese mobile carriers long allowed addresses that RFC 5322 refuses:
two dots in a row and a dot just before the ``@`` (``taro..jiro.@docomo.ne.jp``). Such an address is accepted when
its domain is a mobile carrier's (the setting ``MOBILE_CARRIER_EMAIL_DOMAINS``, Default below, a domain or any of
its subdomains); every other address is checked as Django checks it. A leading dot is still refused: the contract
names two dots in a row and a dot before ``@`` only.

Kernel: Django only. Used by every place an email is taken: the model field, the forms, the API and the services.
"""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.translation import gettext_lazy as _

# Default of ``MOBILE_CARRIER_EMAIL_DOMAINS``: NTT docomo, au (KDDI), SoftBank and its predecessors (Vodafone,
# Disney Mobile), Y!mobile and WILLCOM/EMOBILE.
MOBILE_CARRIER_EMAIL_DOMAINS = (
    "docomo.ne.jp",
    "ezweb.ne.jp",
    "au.com",
    "softbank.ne.jp",
    "i.softbank.jp",
    "vodafone.ne.jp",
    "disney.ne.jp",
    "ymobile.ne.jp",
    "y-mobile.ne.jp",
    "pdx.ne.jp",
    "willcom.com",
    "emnet.ne.jp",
)

_ATOM = r"[-!#$%&'*+/=?^_`{}|~0-9A-Za-z]+"
# Dot-atom, except that dots may come several in a row and the part may end with dots (never begin with one).
_MOBILE_LOCAL = re.compile(rf"\A{_ATOM}(?:\.+{_ATOM})*\.*\Z")

MESSAGE = _("Enter a valid email address.")


def carrier_domains() -> tuple[str, ...]:
    return tuple(
        d.lower().strip(".") for d in getattr(settings, "MOBILE_CARRIER_EMAIL_DOMAINS", MOBILE_CARRIER_EMAIL_DOMAINS)
    )


def is_mobile_carrier_domain(domain: str) -> bool:
    domain = (domain or "").lower().rstrip(".")
    return any(domain == d or domain.endswith("." + d) for d in carrier_domains())


def is_older_mobile_address(value: str) -> bool:
    """M3: ``taro..jiro.@docomo.ne.jp``: a carrier's domain and a local part in the carriers' older form."""
    local, at, domain = (value or "").rpartition("@")
    if not at or not local or len(local) > 64 or not is_mobile_carrier_domain(domain):
        return False
    try:
        validate_email(f"x@{domain}")  # the domain itself must be a valid one
    except ValidationError:
        return False
    return bool(_MOBILE_LOCAL.match(local))


def validate_member_email(value: str) -> None:
    """M3: any valid address, and the older mobile-carrier form (API.md 1.1)."""
    try:
        validate_email(value)
    except ValidationError:
        if not is_older_mobile_address(value):
            raise ValidationError(MESSAGE, code="invalid", params={"value": value}) from None


class MemberEmailFormField(forms.EmailField):
    default_validators = [validate_member_email]


class MemberEmailField(models.EmailField):
    """``EmailField`` that accepts the older mobile-carrier addresses (M3)."""

    default_validators = [validate_member_email]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": MemberEmailFormField, **kwargs})
