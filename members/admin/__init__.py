"""The office's admin of the members domain, one module per model family (programs and settings, logins, cards and
status). The member workspace itself (``MemberAdmin``: account summary, merge, cancellation) works across apps and
lives in the office surface, ``loyalty/office/members.py``."""

from . import cards, programs, users  # noqa: F401  (registers the ModelAdmins)
