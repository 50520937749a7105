"""My Account (the member portal)."""

urlpatterns: list = []
