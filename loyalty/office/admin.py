"""Registered by the admin's autodiscovery: the member workspace (``MemberAdmin``)."""

from . import members  # noqa: F401  (registers MemberAdmin)
