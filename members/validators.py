"""Password rules per program (A2).

One Harmony: 6 to 12 characters with capital letters, small letters and numbers, and no spaces. New Otani states no
rule: Django's configured validators (AUTH_PASSWORD_VALIDATORS) apply.
"""

from __future__ import annotations

from django.contrib.auth.password_validation import get_default_password_validators
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class OneHarmonyPasswordValidator:
    """A2: 6-12 characters, at least one capital letter, one small letter and one digit, no spaces."""

    min_length = 6
    max_length = 12

    def validate(self, password, user=None):
        errors = []
        if not self.min_length <= len(password) <= self.max_length:
            errors.append(
                ValidationError(
                    _("The password must be %(min)d to %(max)d characters long.")
                    % {"min": self.min_length, "max": self.max_length},
                    code="password_length",
                )
            )
        if not any(c.isupper() for c in password):
            errors.append(ValidationError(_("The password must contain a capital letter."), code="password_no_upper"))
        if not any(c.islower() for c in password):
            errors.append(ValidationError(_("The password must contain a small letter."), code="password_no_lower"))
        if not any(c.isdigit() for c in password):
            errors.append(ValidationError(_("The password must contain a number."), code="password_no_digit"))
        if any(c.isspace() for c in password):
            errors.append(ValidationError(_("The password must not contain spaces."), code="password_space"))
        if errors:
            raise ValidationError(errors)

    def get_help_text(self):
        return _("6 to 12 characters with capital letters, small letters and numbers, no spaces.")


def program_password_validators(program) -> list:
    """The validators of a program's password rule (A2): One Harmony's own; Django's defaults otherwise."""
    if program is not None and program.is_one_harmony:
        return [OneHarmonyPasswordValidator()]
    return get_default_password_validators()


def program_password_help(program) -> str:
    return " ".join(str(v.get_help_text()) for v in program_password_validators(program))
