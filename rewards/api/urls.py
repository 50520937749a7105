"""Redemption and transfer endpoints (API.md "Redemption and transfers")."""

from django.urls import path

from . import views

urlpatterns = [
    path("members/<str:card>/certificates/", views.CertificatesView.as_view(), name="api-member-certificates"),
    path("members/<str:card>/redemptions/", views.RedemptionsView.as_view(), name="api-member-redemptions"),
    path("transfers/", views.TransfersView.as_view(), name="api-transfers"),
]
