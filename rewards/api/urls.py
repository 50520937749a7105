"""Redemption and transfer endpoints (API.md "Redemption and transfers")."""

urlpatterns: list = []
