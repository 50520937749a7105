"""My Account (A1-A5, M3, M4, M7, EX6, SH2, NR1, OR1): the member portal.

Every page but sign-up, login and the password pages needs a login linked to an open membership; the member is
always the logged-in one (no member id in any URL, no form field naming a member). Views parse input, call one
service and render: the rules live in the services.
"""

from __future__ import annotations

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from loyalty import clock
from loyalty.exceptions import LoyaltyError
from loyalty.throttling import ThrottleMixin
from members.exceptions import EmailTaken
from members.models import Member, NameChangeRequest, Program
from members.selectors import settings_on, status_on
from members.services import account
from members.services.identity import signup_attempt_notify
from members.services.passwords import password_change
from members.services.terms import terms_use_record
from points.models import Claim
from points.selectors import account_summary, points_summary
from points.services.claims import claim_submit
from points.services.enrolment import member_signup
from rewards.models import Award, AwardRedemption, CertificateRequest
from rewards.services.awards import award_redeem
from rewards.services.certificates import MAX_COUNT, certificates_request
from rewards.services.notifications import award_redeemed_notify, certificates_requested_notify

from . import forms, reasons, story
from .card_pdf import card_pdf

ACTIVITY_PER_PAGE = 20
STAYS_PER_PAGE = 10


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


def _error_text(exc: LoyaltyError) -> str:
    """A refusal of a service in the member's words, from the one catalog (``reasons``): never a rule ID."""
    return reasons.error_text(exc)


class MemberMixin:
    """Login required, and a login linked to an open membership (staff are sent to the admin)."""

    member: Member

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request)
        member = Member.objects.select_related("program", "user").filter(user_id=request.user.pk).first()
        if member is None:
            status = 403
            context = {"admin_url": "/" + settings.ADMIN_URL.lstrip("/"), "is_staff": request.user.is_staff}
            return render(request, "portal/not_a_member.html", context, status=status)
        if member.closed_on is not None:  # M9: a closed membership cannot act
            logout(request)
            return render(request, "portal/closed.html", status=403)
        self.member = member
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["member"] = self.member
        return context


def redirect_to_login(request):
    from django.contrib.auth.views import redirect_to_login as _redirect

    return _redirect(request.get_full_path(), reverse("login"))


# ---------------------------------------------------------------------------------------------- sign-up and login


class SignupView(ThrottleMixin, FormView):
    """M3: enrolment by the member on the website; the welcome email carries the membership number.

    Issue 14, A1: the page says "check your mailbox" whether or not the email is already a member's (who is told by
    email); nobody is logged in by signing up."""

    template_name = "portal/signup.html"
    form_class = forms.EnrolForm
    one_shot = True
    throttle_scope, throttle_field = "signup", "email"

    def _chosen(self):
        """A2: the program whose password rule the page describes: ``?program=CODE`` or the one posted."""
        code = self.request.GET.get("program", "")
        posted = self.request.POST.get("program", "")
        programs = Program.objects.filter(ended_on__isnull=True)
        if posted.isascii() and posted.isdigit():
            return programs.filter(pk=int(posted)).first()
        return programs.filter(code=code).first() if code else None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "chosen": self._chosen()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        chosen = context["form"].fields["program"].initial
        context.update(
            chosen=chosen,
            programs=Program.objects.filter(ended_on__isnull=True).order_by("code"),
        )
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            member_signup(
                program=data["program"],
                family_name=data["family_name"],
                given_name=data["given_name"],
                email=data["email"],
                phone=data.get("phone", ""),
                password=data["password1"],
                enrolled_on=clock.today(),
            )
        except EmailTaken:
            signup_attempt_notify(program=data["program"], email=data["email"])
        except LoyaltyError as exc:
            form.add_error(None, _error_text(exc))
            return self.form_invalid(form)
        self.request.session["signup_email"] = data["email"]
        return redirect("signup-sent")


class MemberLoginView(ThrottleMixin, auth_views.LoginView):
    """A1: log in with any card number or the registered email (MemberLoginBackend); one generic error."""

    throttle_scope, throttle_field = "login", "username"  # issue 14: per address and per member (any alias)

    def throttle_account(self, value: str) -> str:
        from members.auth import axes_username

        return axes_username(self.request, {"username": value})

    template_name = "registration/login.html"
    authentication_form = forms.MemberLoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        _terms_seen_at_login(self.request)
        return response


def _terms_seen_at_login(request) -> None:
    """PT3: the first login under a new terms version records the member's first use under it and shows the
    member the new version (a version that took effect after the member joined)."""
    member = Member.objects.filter(user_id=request.user.pk).select_related("program").first()
    if member is None:
        return
    first = terms_use_record(member=member, on=clock.today(), how="login")
    if first is not None and first.terms_version.effective_from > member.enrolled_on:
        version = first.terms_version
        messages.info(
            request,
            _(
                "The terms and conditions of %(program)s changed on %(date)s. By using the program's services you "
                "accept the new version%(url)s."
            )
            % {
                "program": member.program.name,
                "date": version.effective_from.isoformat(),
                "url": f" ({version.url})" if version.url else "",
            },
        )


class MemberPasswordResetView(ThrottleMixin, auth_views.PasswordResetView):
    """A3: the reset link goes to the registered email of the membership."""

    throttle_scope, throttle_field = "password_reset", "email"  # issue 14

    form_class = forms.MemberPasswordResetForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")


class MemberPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A2: the new password follows the program's rule."""

    form_class = forms.ProgramSetPasswordForm
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # A1: a member locked out after failed logins who sets a new password by email may log in at once.
        member = Member.objects.filter(user=form.user).only("program_id", "number").first()
        if member is not None:
            from axes.utils import reset as axes_reset

            axes_reset(username=f"member:{member.program_id}:{member.number}")
        return response


class FirstLoginView(ThrottleMixin, FormView):
    """A2: legacy OCI/MYJ members have no password: a link to set one goes to the registered email. The answer is
    the same whether the membership exists or not; a member without email is told to ask the office."""

    template_name = "registration/first_login.html"
    form_class = forms.FirstLoginForm
    throttle_scope, throttle_field = "password_reset", "login"  # issue 14

    def form_valid(self, form):
        from members.auth import member_for_login

        typed = form.cleaned_data["login"].strip()
        if "@" in typed:
            found = list(Member.objects.filter(email__iexact=typed, closed_on__isnull=True)[:2])
            member = found[0] if len(found) == 1 else None
        else:
            member = member_for_login(typed)
        if member is not None:
            account.password_link_send(member=member, base_url=_base_url(self.request))
        return render(self.request, "registration/first_login_sent.html")


# --------------------------------------------------------------------------------------------- Account Summary


class SummaryView(MemberMixin, TemplateView):
    """A4: posted balance, pending points with their posting dates, coming expiries (EX6), status and validity,
    progress toward the next tier, stay history (SH2) and activity. A fixed number of queries."""

    template_name = "portal/summary.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member, today = self.member, clock.today()
        activity = Paginator(story.activity_entries(member), ACTIVITY_PER_PAGE).get_page(self.request.GET.get("page"))
        stay_page = Paginator(story.stays(member), STAYS_PER_PAGE).get_page(self.request.GET.get("stays"))
        summary = account_summary(member=member, on=today, with_progress=True)
        context.update(
            today=today,
            summary=summary,
            points=summary.points,
            status=summary.status,
            progress=summary.progress,
            debt=story.debt(member, balance=summary.points.balance, debt_yen=summary.debt_yen),
            stays=stay_page,
            stay_lines=story.stay_lines(stay_page),
            activity=activity,
            activity_lines=story.activity_lines(activity, today),
            open_claims=Claim.objects.filter(member=member, state=Claim.State.OPEN).count(),
        )
        return context


# ----------------------------------------------------------------------------------------------- temporary card


def _qr_svg(number: str) -> str:
    image = qrcode.make(number, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    svg = image.to_string(encoding="unicode")
    return svg[svg.index("<svg") :] if "<svg" in svg else svg


class CardView(MemberMixin, TemplateView):
    """M4: a temporary card to print (name, number, status, QR code of the number)."""

    template_name = "portal/card.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = clock.today()
        status = status_on(member=self.member, on=today) if self.member.program.is_one_harmony else None
        context.update(qr_svg=mark_safe(_qr_svg(self.member.number)), status=status, today=today)
        return context


class CardPdfView(MemberMixin, View):
    """M4: the temporary card as a card-size PDF (85.6 mm x 54 mm) with the QR code."""

    def get(self, request):
        member, today = self.member, clock.today()
        status = status_on(member=member, on=today) if member.program.is_one_harmony else None
        response = HttpResponse(card_pdf(member=member, status=status, today=today), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="card-{member.number}.pdf"'
        return response


# ------------------------------------------------------------------------------------------------------ profile


class ProfileView(MemberMixin, TemplateView):
    """M7: address and phone here; the email through a confirmed change; the name through the office."""

    one_shot = True  # issue 14: a repeated POST of the same form acts once (loyalty.oneshot)

    template_name = "portal/profile.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        m = self.member
        context.setdefault(
            "profile_form",
            forms.ProfileForm(
                initial={"postal_code": m.postal_code, "address": m.address, "country": m.country, "phone": m.phone}
            ),
        )
        context.setdefault("email_form", forms.EmailChangeForm(user=self.request.user))
        context.setdefault("name_form", forms.NameChangeForm())
        context.setdefault("password_form", forms.MemberPasswordChangeForm(self.request.user))
        context["name_requests"] = NameChangeRequest.objects.filter(member=m).order_by("-created_at")
        return context

    def post(self, request):
        form = forms.ProfileForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(profile_form=form))
        account.member_profile_update(member=self.member, **form.cleaned_data)
        messages.success(request, _("Your details were saved."))
        return redirect("profile")


class EmailChangeView(MemberMixin, TemplateView):
    """M7: the new address gets a confirmation link; the password is asked again."""

    one_shot = True  # issue 14: a repeated POST of the same form acts once (loyalty.oneshot)

    template_name = "portal/profile.html"

    def get(self, request):
        return redirect("profile")

    def post(self, request):
        form = forms.EmailChangeForm(request.POST, user=request.user)
        if not form.is_valid():
            return self._render(form)
        account.email_change_request(member=self.member, email=form.cleaned_data["email"], base_url=_base_url(request))
        messages.success(
            request,
            _("We sent a confirmation link to %(email)s. Your email changes when you open it.")
            % {"email": form.cleaned_data["email"]},
        )
        return redirect("profile")

    def _render(self, form, name: str = "email_form"):
        view = ProfileView()
        view.setup(self.request)
        view.member = self.member
        return render(self.request, self.template_name, view.get_context_data(**{name: form}))


class PasswordChangeView(EmailChangeView):
    """A2: a new password in Profile: the current one asked again, the program's rule, a notice by email; the
    member stays logged in."""

    def post(self, request):
        form = forms.MemberPasswordChangeForm(request.user, request.POST)
        if not form.is_valid():
            return self._render(form, "password_form")
        password_change(member=self.member, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, self.member.user)  # the instance the service changed
        messages.success(request, _("Your password was changed. We sent a notice to your registered email."))
        return redirect("profile")


class EmailConfirmView(MemberMixin, View):
    """M7: the link from the email: only now the email changes (it must be the member who asked)."""

    def get(self, request, token):
        try:
            account.email_change_confirm(member=self.member, token=token)
        except account.AccountError:
            messages.error(request, _("This link is invalid or has expired."))
        else:
            messages.success(request, _("Your email address was changed."))
        return redirect("profile")


class NameChangeView(EmailChangeView):
    """M7: a name change goes to the office as a request (shown as pending)."""

    def post(self, request):
        form = forms.NameChangeForm(request.POST)
        if not form.is_valid():
            return self._render(form, "name_form")
        account.name_change_request(member=self.member, **form.cleaned_data)
        messages.success(request, _("Your name change request was sent to the office."))
        return redirect("profile")


# ------------------------------------------------------------------------------------------------------- claims


class ClaimsView(MemberMixin, TemplateView):
    """A5: report missing points or nights; the member's claims with the office's answers."""

    one_shot = True  # issue 14: a repeated POST of the same form acts once (loyalty.oneshot)

    template_name = "portal/claims.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", forms.ClaimForm(member=self.member))
        context["claims"] = Claim.objects.filter(member=self.member).select_related("hotel").order_by("-created_at")
        return context

    def post(self, request):
        form = forms.ClaimForm(request.POST, member=self.member)
        if form.is_valid():
            data = form.cleaned_data
            try:
                claim_submit(
                    member=self.member,
                    kind=data["kind"],
                    used_on=data["used_on"],
                    hotel=data["hotel"],
                    bill_number=data["bill_number"],
                    description=data["description"],
                    today=clock.today(),
                )
            except LoyaltyError as exc:
                form.add_error("used_on" if exc.code == "claim_too_late" else None, _error_text(exc))
            else:
                messages.success(request, _("Your claim was sent to the office."))
                return redirect("claims")
        return self.render_to_response(self.get_context_data(form=form))


# -------------------------------------------------------------------------------------------------- redemption


class CertificatesView(MemberMixin, TemplateView):
    """NR1, NR2: New Otani Reward Certificates, with the rules shown before the member commits: how many the posted
    points pay for, and no form at all when they pay for none."""

    one_shot = True  # issue 14: a repeated POST of the same form acts once (loyalty.oneshot)

    template_name = "portal/certificates.html"

    def _terms(self):
        today = clock.today()
        rules = settings_on(program=self.member.program, on=today)
        points = points_summary(member=self.member, on=today)
        per = rules.certificate_points if rules is not None else 0
        affordable = min(MAX_COUNT, max(points.balance, 0) // per) if per else 0
        return today, rules, points, affordable

    def _form(self, data=None):
        today, rules, _points, affordable = self._terms()
        return forms.CertificateRequestForm(
            data,
            member=self.member,
            user=self.request.user,
            affordable=affordable,
            today=today,
            lead_days=rules.certificate_lead_days if rules is not None else None,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        _today, rules, points, affordable = self._terms()
        applicable = self.member.program.is_new_otani
        if applicable and affordable:
            context.setdefault("form", self._form())
        else:
            context["form"] = None
        per = rules.certificate_points if rules is not None else 0
        context.update(
            applicable=applicable,
            rules=rules,
            points=points,
            affordable=affordable,
            affordable_points=affordable * per,
            points_short=max(per - points.balance, 0),  # a negative balance is paid first (EX5)
            requests=CertificateRequest.objects.filter(member=self.member)
            .select_related("hotel")
            .prefetch_related("certificates"),
        )
        return context

    def post(self, request):
        if not self.member.program.is_new_otani:
            messages.error(request, _("Certificates cannot be requested online. Please contact the office."))
            return redirect("certificates")
        if not self._terms()[3]:
            messages.error(request, _("Your posted points do not pay for a certificate yet."))
            return redirect("certificates")
        form = self._form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                certificates_request(
                    member=self.member,
                    count=data["count"],
                    hotel=data["hotel"],
                    arrival_on=data["arrival_on"],
                    channel="website",
                    today=clock.today(),
                    created_by=request.user,
                )
            except LoyaltyError as exc:
                form.add_error(None, _error_text(exc))
            else:
                certificates_requested_notify(
                    member=self.member, count=data["count"], hotel=data["hotel"], arrival_on=data["arrival_on"]
                )
                messages.success(request, _("Your request was accepted. We sent you a confirmation email."))
                return redirect("certificates")
        return self.render_to_response(self.get_context_data(form=form))


class AwardsView(MemberMixin, TemplateView):
    """OR1: One Harmony Gift Awards through the website (the other awards through hotels and the center): the
    catalog with what the posted points pay for; the form offers only those, and is not shown when none is."""

    one_shot = True  # issue 14: a repeated POST of the same form acts once (loyalty.oneshot)

    template_name = "portal/awards.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        applicable = self.member.program.is_one_harmony
        points = points_summary(member=self.member, on=clock.today())
        catalog = []
        if applicable:
            awards = Award.objects.filter(program=self.member.program, kind=Award.Kind.GIFT, active=True)
            catalog = [
                {"award": a, "affordable": a.points <= points.balance, "short": max(a.points - points.balance, 0)}
                for a in awards.order_by("points", "name")
            ]
        any_affordable = any(row["affordable"] for row in catalog)
        if applicable and any_affordable:
            context.setdefault(
                "form", forms.AwardRequestForm(member=self.member, user=self.request.user, balance=points.balance)
            )
        else:
            context["form"] = None
        context.update(
            applicable=applicable,
            points=points,
            catalog=catalog,
            redemptions=AwardRedemption.objects.filter(member=self.member).select_related("award"),
        )
        return context

    def post(self, request):
        if not self.member.program.is_one_harmony:
            return redirect("awards")
        balance = points_summary(member=self.member, on=clock.today()).balance
        form = forms.AwardRequestForm(request.POST, member=self.member, user=request.user, balance=balance)
        if form.is_valid():
            award = form.cleaned_data["award"]
            try:
                redemption = award_redeem(
                    member=self.member, award=award, channel="website", today=clock.today(), created_by=request.user
                )
            except LoyaltyError as exc:
                form.add_error(None, _error_text(exc))
            else:
                award_redeemed_notify(member=self.member, award=award, requested=redemption.state == "requested")
                if redemption.state == "requested":  # OR1: the office fulfils it; the points are held meanwhile
                    messages.success(
                        request,
                        _(
                            "Your request was sent to the One Harmony Office. The points are held until the office "
                            "fulfils it, and returned if it cannot. We sent you a confirmation email."
                        ),
                    )
                else:
                    messages.success(request, _("Your award was redeemed. We sent you a confirmation email."))
                return redirect("awards")
        return self.render_to_response(self.get_context_data(form=form))


class SignupSentView(TemplateView):
    """Issue 14, A1: after a sign-up, the same page whether a membership was made or the email was taken."""

    template_name = "portal/signup_sent.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["email"] = self.request.session.get("signup_email", "")
        return context
