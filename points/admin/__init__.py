"""The office's admin of the points domain, one module per model family: hotels and outlets (NE2), bills as received,
the office's adjustments and claims, the ledger (read-only), jobs and API tokens, J5's ledger mismatches and the kept
Idempotency-Key answers (read-only). The dashboard is the office surface's (``loyalty/office/dashboard.py``)."""

from . import bills, endings, jobs, ledger, office, properties, reconciliation  # noqa: F401  (registers the ModelAdmins)
