"""My Account (A1-A5, M3, M4, M7, EX6, SH2, NR1, OR1): the member portal.

Every page but sign-up, login and the password pages needs a login linked to an open membership; the member is
always the logged-in one (no member id in any URL, no form field naming a member). Views parse input, call one
service and render: the rules live in the services.
"""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
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
from loyalty.rulebooks.catalog import RULES, describe
from members.models import Member, NameChangeRequest
from members.selectors import settings_on, status_on
from members.services import account
from members.services.terms import terms_use_record
from points.models import Bill, Claim, LedgerEntry
from points.selectors import account_activity, account_summary, points_summary
from points.services.claims import claim_submit
from points.services.enrolment import member_signup
from rewards.models import AwardRedemption, CertificateRequest
from rewards.services.awards import award_redeem
from rewards.services.certificates import certificates_request
from rewards.services.notifications import award_redeemed_notify, certificates_requested_notify

from . import forms

ACTIVITY_PER_PAGE = 20
STAYS_PER_PAGE = 10


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


def _error_text(exc: LoyaltyError) -> str:
    """A refusal of a service in the member's words (the rule ID stays in the text for the office)."""
    known = {
        "claim_too_late": _("Claims must reach the office within 6 months of the date of use (A5)."),
        "insufficient_points": _("Your posted points are not enough for this request."),
        "membership_closed": _("Your membership is closed."),
        "too_close_to_arrival": _("The arrival date is too close: certificates must be requested in advance (NR2)."),
        "hotel_not_eligible": _("Certificates are handed over at New Otani Group Hotels in Japan only (NR2)."),
        "award_not_available": _("This award is not available."),
        "wrong_channel": _("This award cannot be redeemed on the website."),
        "service_ended": _("This service of the program has ended."),
    }
    return str(known.get(getattr(exc, "code", ""), getattr(exc, "detail", "") or str(exc)))


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


class SignupView(FormView):
    """M3: enrolment by the member on the website; the welcome email carries the membership number."""

    template_name = "portal/signup.html"
    form_class = forms.EnrolForm

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            member = member_signup(
                program=data["program"],
                family_name=data["family_name"],
                given_name=data["given_name"],
                email=data["email"],
                phone=data.get("phone", ""),
                password=data["password1"],
                enrolled_on=clock.today(),
            )
        except LoyaltyError as exc:
            form.add_error(None, _error_text(exc))
            return self.form_invalid(form)
        login(self.request, member.user, backend="members.auth.MemberLoginBackend")
        messages.success(
            self.request,
            _("Welcome! Your membership number is %(number)s. We sent it to %(email)s as well.")
            % {"number": member.number, "email": member.email},
        )
        return redirect("summary")


class MemberLoginView(auth_views.LoginView):
    """A1: log in with any card number or the registered email (MemberLoginBackend); one generic error."""

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


class MemberPasswordResetView(auth_views.PasswordResetView):
    """A3: the reset link goes to the registered email of the membership."""

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


class FirstLoginView(FormView):
    """A2: legacy OCI/MYJ members have no password: a link to set one goes to the registered email. The answer is
    the same whether the membership exists or not; a member without email is told to ask the office."""

    template_name = "registration/first_login.html"
    form_class = forms.FirstLoginForm

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


def _activity_line(entry: LedgerEntry) -> dict:
    """An activity row with its reason in words: a bill's exclusions as "<detail> (<rule>)" (NX3 ...)."""
    reason = entry.reason or ""
    words = describe(reason) if reason.strip().upper() in RULES else ""
    exclusions = []
    if entry.bill_id is not None and entry.kind in ("earn", "bonus"):
        exclusions = [f"{x.detail} ({x.rule})" for x in entry.bill.exclusions.all()]
    return {"entry": entry, "reason": words, "exclusions": exclusions}


class SummaryView(MemberMixin, TemplateView):
    """A4: posted balance, pending points with their posting dates, coming expiries (EX6), status and validity,
    progress toward the next tier, stay history (SH2) and activity. A fixed number of queries."""

    template_name = "portal/summary.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member, today = self.member, clock.today()
        stays = (
            Bill.objects.filter(member=member, kind=Bill.Kind.STAY).select_related("hotel").order_by("-paid_on", "-id")
        )
        activity = Paginator(account_activity(member=member), ACTIVITY_PER_PAGE).get_page(self.request.GET.get("page"))
        stay_page = Paginator(stays, STAYS_PER_PAGE).get_page(self.request.GET.get("stays"))
        summary = account_summary(member=member, on=today, with_progress=True)
        context.update(
            today=today,
            summary=summary,
            points=summary.points,
            status=summary.status,
            progress=summary.progress,
            stays=stay_page,
            activity=activity,
            activity_lines=[_activity_line(e) for e in activity],
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
        from reportlab.graphics import renderPDF
        from reportlab.graphics.barcode.qr import QrCodeWidget
        from reportlab.graphics.shapes import Drawing
        from reportlab.lib.units import mm
        from reportlab.pdfgen import canvas

        member, today = self.member, clock.today()
        status = status_on(member=member, on=today) if member.program.is_one_harmony else None
        buffer = io.BytesIO()
        width, height = 85.6 * mm, 54 * mm
        pdf = canvas.Canvas(buffer, pagesize=(width, height))
        pdf.setTitle(f"{member.program.name} {member.number}")
        pdf.setFillColorRGB(0.09, 0.2, 0.36)
        pdf.rect(0, height - 12 * mm, width, 12 * mm, stroke=0, fill=1)
        pdf.setFillColorRGB(1, 1, 1)
        pdf.setFont("Helvetica-Bold", 10)
        pdf.drawString(5 * mm, height - 8 * mm, member.program.name)
        pdf.setFillColorRGB(0, 0, 0)
        pdf.setFont("Helvetica", 7)
        pdf.drawString(5 * mm, height - 18 * mm, "TEMPORARY CARD")
        name = member.full_name[:32]
        if name.isascii():
            pdf.setFont("Helvetica-Bold", 10)
            name = name.upper()
        else:  # a Japanese name: reportlab's built-in CID font (no font file needed)
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.cidfonts import UnicodeCIDFont

            pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
            pdf.setFont("HeiseiKakuGo-W5", 10)
        pdf.drawString(5 * mm, height - 25 * mm, name)
        pdf.setFont("Courier-Bold", 12)
        pdf.drawString(5 * mm, height - 33 * mm, member.number)
        pdf.setFont("Helvetica", 7)
        if status is not None:
            pdf.drawString(5 * mm, height - 40 * mm, f"{status.get_tier_display()} until {status.valid_until:%Y-%m-%d}")
        pdf.drawString(5 * mm, 4 * mm, f"Printed {today:%Y-%m-%d}")
        widget = QrCodeWidget(member.number)
        x0, y0, x1, y1 = widget.getBounds()
        size = 28 * mm
        drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
        drawing.add(widget)
        renderPDF.draw(drawing, pdf, width - size - 3 * mm, 4 * mm)
        pdf.showPage()
        pdf.save()
        response = HttpResponse(buffer.getvalue(), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="card-{member.number}.pdf"'
        return response


# ------------------------------------------------------------------------------------------------------ profile


class ProfileView(MemberMixin, TemplateView):
    """M7: address and phone here; the email through a confirmed change; the name through the office."""

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
    """NR1, NR2: New Otani Reward Certificates, with the rules shown before the member commits."""

    template_name = "portal/certificates.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = clock.today()
        context.setdefault("form", forms.CertificateRequestForm(member=self.member, user=self.request.user))
        context.update(
            applicable=self.member.program.is_new_otani,
            rules=settings_on(program=self.member.program, on=today),
            points=points_summary(member=self.member, on=today),
            requests=CertificateRequest.objects.filter(member=self.member).select_related("hotel"),
        )
        return context

    def post(self, request):
        form = forms.CertificateRequestForm(request.POST, member=self.member, user=request.user)
        if not self.member.program.is_new_otani:
            form.add_error(None, _("Certificates cannot be requested online. Please contact the office."))
        elif form.is_valid():
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
    """OR1: One Harmony Gift Awards through the website (the other awards through hotels and the center)."""

    template_name = "portal/awards.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        applicable = self.member.program.is_one_harmony
        context.setdefault(
            "form", forms.AwardRequestForm(member=self.member, user=self.request.user) if applicable else None
        )
        context.update(
            applicable=applicable,
            points=points_summary(member=self.member, on=clock.today()),
            redemptions=AwardRedemption.objects.filter(member=self.member).select_related("award"),
        )
        return context

    def post(self, request):
        if not self.member.program.is_one_harmony:
            return redirect("awards")
        form = forms.AwardRequestForm(request.POST, member=self.member, user=request.user)
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
