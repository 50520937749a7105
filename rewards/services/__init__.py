"""Writes of the rewards domain: certificates (NR1-NR3), awards (OR1), family transfers (T1-T5).

Each service locks the member's balance row through ``points.services.ledger`` and moves points only through it.
"""
