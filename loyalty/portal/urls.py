"""My Account (the member portal), mounted at the site root. No URL carries a member id: the member is the login's."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("", views.SummaryView.as_view(), name="summary"),
    path("signup/", views.SignupView.as_view(), name="signup"),
    path("login/", views.MemberLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="login"), name="logout"),
    path("first-login/", views.FirstLoginView.as_view(), name="first-login"),
    path("password-reset/", views.MemberPasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="registration/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.MemberPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="registration/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("card/", views.CardView.as_view(), name="card"),
    path("card.pdf", views.CardPdfView.as_view(), name="card-pdf"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("profile/email/", views.EmailChangeView.as_view(), name="email-change"),
    path("profile/email/<str:token>/", views.EmailConfirmView.as_view(), name="email-confirm"),
    path("profile/name/", views.NameChangeView.as_view(), name="name-change"),
    path("profile/password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("claims/", views.ClaimsView.as_view(), name="claims"),
    path("rewards/certificates/", views.CertificatesView.as_view(), name="certificates"),
    path("rewards/awards/", views.AwardsView.as_view(), name="awards"),
]
