"""My Account forms: sign-up (M3), login (A1), passwords (A2, A3), profile (M7), claims (A5), redemptions (NR1, OR1).

Every error is tied to its field (the templates render ``aria-describedby``); no form takes a member id: the member
is always the logged-in one, passed in by the view.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.core.validators import MaxValueValidator
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from loyalty.emails import MemberEmailFormField
from members.models import Member, Program
from members.services.account import member_user_create
from members.validators import program_password_help, program_password_validators
from points.models import Claim, Hotel
from rewards.models import Award
from rewards.selectors import certificate_hotels
from rewards.services.certificates import MAX_COUNT

from .templatetags.member_words import day, local_name


def _check_password(password: str, *, program, user=None) -> None:
    password_validation.validate_password(password, user, password_validators=program_password_validators(program))


class LocalNameChoiceField(forms.ModelChoiceField):
    """A hotel or award by its name in the member's language (never its code)."""

    def label_from_instance(self, obj):
        name = local_name(obj)
        points = getattr(obj, "points", None)
        if isinstance(obj, Award) and points:
            return _("%(name)s (%(points)s points)") % {"name": name, "points": f"{points:,}"}
        return name


class MemberLoginForm(AuthenticationForm):
    """A1: any card number the member holds (membership, MYJ, 700-number) or the registered email."""

    username = forms.CharField(
        label=_("Membership number, MYJ number or email"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}),
    )
    error_messages = {
        # One generic message: it never tells whether the account exists.
        "invalid_login": _("The login name or password is not correct."),
        "inactive": _("The login name or password is not correct."),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        member = Member.objects.filter(user_id=user.pk).only("closed_on").first()
        if member is not None and member.closed_on is not None:  # M9: a closed membership cannot act
            raise forms.ValidationError(self.error_messages["inactive"], code="inactive")


class EnrolForm(forms.Form):
    """M3: enrolment on the website: the program, names, an email (required) and a password by the program's rule."""

    program = forms.ModelChoiceField(
        label=_("Program"), queryset=Program.objects.filter(ended_on__isnull=True), empty_label=None
    )
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    email = MemberEmailFormField(label=_("Email"), help_text=_("Mobile-phone addresses are accepted."))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, chosen: Program | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].label_from_instance = local_name
        if chosen is not None:  # ?program=: this program's rule only (A2)
            self.fields["program"].initial = chosen.pk
            self.fields["password1"].help_text = program_password_help(chosen)
        else:  # no program chosen yet (no JavaScript): every program's rule, each under its name
            self.fields["password1"].help_text = format_html_join(
                mark_safe("<br>"), "<strong>{}</strong>: {}", password_help_by_program(named=True)
            )

    def clean(self):
        data = super().clean()
        pw1, pw2 = data.get("password1"), data.get("password2")
        if pw1 and pw2 and pw1 != pw2:
            self.add_error("password2", _("The two passwords do not match."))
        elif pw1 and data.get("program"):
            try:
                _check_password(pw1, program=data["program"])
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class ProgramSetPasswordForm(SetPasswordForm):
    """A2: a new password by the member's program rule (One Harmony's own; Django's defaults otherwise)."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["new_password1"].help_text = program_password_help(self._program())

    def _program(self):
        member = Member.objects.filter(user=self.user).select_related("program").first() if self.user else None
        return member.program if member else None

    def validate_password_for_user(self, user, password_field_name="password2"):
        password = self.cleaned_data.get(password_field_name)
        if password:
            try:
                _check_password(password, program=self._program(), user=user)
            except forms.ValidationError as error:
                self.add_error(password_field_name, error)


class MemberPasswordChangeForm(ProgramSetPasswordForm):
    """A2: a new password in Profile: the current password first, then the new one twice, by the program's rule."""

    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["old_password", "new_password1", "new_password2"]

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password2"].label = _("New password again")

    def clean_old_password(self):
        password = self.cleaned_data.get("old_password", "")
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The current password is not correct."), code="password_incorrect")
        return password


def password_help_by_program(*, named: bool = False) -> list[tuple]:
    """A2: each open program (or its name) with the words of its password rule (sign-up shows the chosen one, or
    all of them labelled)."""
    programs = Program.objects.filter(ended_on__isnull=True).order_by("code")
    return [(local_name(p) if named else p, program_password_help(p)) for p in programs]


class MemberPasswordResetForm(PasswordResetForm):
    """A3: the reset goes to the registered email of the membership, found through the member (legacy members
    without a login get one with an unusable password first, A2)."""

    email = MemberEmailFormField(
        label=_("Registered email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def get_users(self, email):
        members = Member.objects.filter(email__iexact=email, closed_on__isnull=True).select_related("user")
        for member in members:
            user = member.user if member.user_id else member_user_create(member=member, password=None)
            if not user.is_active:
                continue
            if user.email != member.email:  # keep the login's email the registered one (A3)
                user.email = member.email
                user.save(update_fields=["email"])
            yield user


class FirstLoginForm(forms.Form):
    """A2: a legacy OCI/MYJ member (no password yet) asks for a link to set one."""

    login = forms.CharField(label=_("Membership number, MYJ number or email"), max_length=254)


class ProfileForm(forms.Form):
    """M7: address and phone (the email has its own confirmed change; the name goes through the office)."""

    postal_code = forms.CharField(label=_("Postal code"), max_length=10, required=False)
    address = forms.CharField(label=_("Address"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    country = forms.CharField(label=_("Country (2 letters)"), max_length=2, min_length=2, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)


class PasswordConfirmMixin(forms.Form):
    """Redeeming and changing the email ask for the password again."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Enter your password again to confirm."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data.get("password", "")
        if self.user is None or not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."), code="wrong_password")
        return password


class EmailChangeForm(PasswordConfirmMixin):
    email = MemberEmailFormField(label=_("New email"), help_text=_("We send a confirmation link to the new address."))
    field_order = ["email", "password"]


class NameChangeForm(forms.Form):
    family_name = forms.CharField(label=_("New family name"), max_length=100)
    given_name = forms.CharField(label=_("New given name"), max_length=100)
    note = forms.CharField(
        label=_("Note to the office"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=1000
    )


def _hotels(member: Member):
    return Hotel.objects.filter(program=member.program, active=True).order_by("name")


class ClaimForm(forms.Form):
    """A5: missing points or nights, within 6 months of the date of use (the service refuses later claims)."""

    kind = forms.ChoiceField(label=_("What is missing"), choices=Claim.Kind.choices)
    used_on = forms.DateField(label=_("Date of use"), widget=forms.DateInput(attrs={"type": "date"}))
    hotel = LocalNameChoiceField(label=_("Hotel"), queryset=Hotel.objects.none(), required=False)
    bill_number = forms.CharField(label=_("Bill or folio number"), max_length=40, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hotel"].queryset = _hotels(member)


class CertificateRequestForm(PasswordConfirmMixin):
    """NR1, NR2: k certificates of 5,000 points, handed over at a Group Hotel in Japan, asked 10+ days ahead.
    ``affordable`` (how many the balance pays) caps the count; ``today`` and ``lead_days`` tell a past arrival date
    from one too close, each with its own message (the service still checks both)."""

    count = forms.IntegerField(label=_("Number of certificates"), min_value=1, max_value=MAX_COUNT)
    hotel = LocalNameChoiceField(label=_("Hotel of your next stay"), queryset=Hotel.objects.none())
    arrival_on = forms.DateField(label=_("Arrival date"), widget=forms.DateInput(attrs={"type": "date"}))
    accept = forms.BooleanField(label=_("I understand that an accepted request cannot be changed or cancelled."))
    field_order = ["count", "hotel", "arrival_on", "accept", "password"]

    def __init__(self, *args, member: Member, affordable: int | None = None, today=None, lead_days=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hotel"].queryset = certificate_hotels(member=member)
        self.today, self.lead_days = today, lead_days
        if affordable is not None and affordable >= 1:
            count = self.fields["count"]
            count.max_value = min(MAX_COUNT, affordable)
            count.validators = [v for v in count.validators if not isinstance(v, MaxValueValidator)]
            count.validators.append(MaxValueValidator(count.max_value))
            count.widget.attrs["max"] = count.max_value
            count.help_text = ngettext_lazy(
                "Your posted points pay for %(count)d certificate.",
                "Your posted points pay for up to %(count)d certificates.",
                "count",
            ) % {"count": count.max_value}
        if today is not None and lead_days is not None:
            earliest = today + dt.timedelta(days=lead_days)
            self.fields["arrival_on"].widget.attrs["min"] = earliest.isoformat()
            self.fields["arrival_on"].help_text = _("On or after %(day)s (at least %(days)s days from today).") % {
                "day": day(earliest),
                "days": lead_days,
            }

    def clean_arrival_on(self):
        arrival_on = self.cleaned_data["arrival_on"]
        if self.today is None or self.lead_days is None:
            return arrival_on
        if arrival_on < self.today:
            raise forms.ValidationError(_("This date has passed: please enter the arrival date of a coming stay."))
        earliest = self.today + dt.timedelta(days=self.lead_days)
        if arrival_on < earliest:
            raise forms.ValidationError(
                _(
                    "This arrival is too close: certificates are prepared at the hotel, so please ask at least "
                    "%(days)s days ahead (arrival on %(day)s or later)."
                )
                % {"days": self.lead_days, "day": day(earliest)},
                code="too_close",
            )
        return arrival_on


class AwardRequestForm(PasswordConfirmMixin):
    """OR1: Gift Awards are redeemed through the office or the website."""

    award = LocalNameChoiceField(label=_("Gift award"), queryset=None, empty_label=None)
    field_order = ["award", "password"]

    def __init__(self, *args, member: Member, balance: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        awards = Award.objects.filter(program=member.program, kind=Award.Kind.GIFT, active=True)
        if balance is not None:  # only the awards the posted points pay for
            awards = awards.filter(points__lte=max(balance, 0))
        self.fields["award"].queryset = awards.order_by("points", "name")
