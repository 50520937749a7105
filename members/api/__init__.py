"""Members endpoints of the integration API (API.md "Members")."""
