"""Bills endpoints (API.md "Bills")."""

urlpatterns: list = []
