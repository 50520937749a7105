"""The bill's codes in words (issue 16: every code shown by its label, in English and Japanese): reservation
channels, settlements, payment methods and charge categories are the API's enums (``loyalty.rulebooks.base``), stored
as received; the office reads them by their label. The labels live in the admin's kit (``loyalty.adminkit``), so that
the members' admin (program settings) reads them too."""

from __future__ import annotations

from loyalty.adminkit import CODE_LABELS, code_label

__all__ = ["CODE_LABELS", "code_label"]
