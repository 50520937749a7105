"""Members, redemption and transfer endpoints (API.md "Members", "Redemption and transfers")."""

from django.urls import path

from . import members, views

urlpatterns = [
    path("members/<str:card>/certificates/", views.CertificatesView.as_view(), name="api-member-certificates"),
    path("members/<str:card>/redemptions/", views.RedemptionsView.as_view(), name="api-member-redemptions"),
    path("transfers/", views.TransfersView.as_view(), name="api-transfers"),
    path("members/", members.MembersView.as_view(), name="api-members"),
    path("members/<str:card>/", members.MemberDetailView.as_view(), name="api-member"),
    path(
        "members/<str:card>/qualification/<str:year>/",
        members.QualificationView.as_view(),
        name="api-member-qualification",
    ),
]
