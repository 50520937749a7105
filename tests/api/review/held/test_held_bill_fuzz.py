# ruff: noqa: E501  (the mutations read best one per line)
"""Review probes: bill bodies the shape check lets through, judged by the rulebook: never a 500, nothing stored."""

from __future__ import annotations

import copy

import pytest

from points.models import Bill
from tests.api.test_bills_api import URL


def mutate(folio, how):
    f = copy.deepcopy(folio)
    exec(how, {"f": f})
    return f


CASES = [
    "f['room_charged_checks'][0]['outlet'] = 'NOPE'",
    "f['room_charged_checks'][0]['outlet'] = ''",
    "f['room_charged_checks'].append(copy_check := dict(f['room_charged_checks'][0])); f['payments'][0]['amount'] += 9200",
    "f['kind'] = 'dining'; f['outlet'] = 'NOPE'",
    "f['kind'] = 'dining'; f['outlet'] = 'SATSUKI'",
    "f['kind'] = 'dining'; f.pop('outlet', None)",
    "f['charges'][0]['room'] = '9999'",
    "f['charges'][0].pop('room')",
    "f['rooms'] = []",
    "f['rooms'][0]['members'] = ['nobody', 'x'*20]",
    "f['rooms'].append(dict(f['rooms'][0]))",
    "f['payments'] = [{'method': 'credit_card', 'amount': 40000}, {'method': 'reward_certificate', 'amount': 40500}]",
    "f['payments'] = [{'method': 'jal_coupon', 'amount': 80500}]",
    "f['payments'] = [{'method': 'credit_card', 'amount': 0}, {'method': 'cash', 'amount': 80500}]",
    "f['charges'] = []; f['room_charged_checks'] = []; f['payments'] = [{'method': 'cash', 'amount': 0}]",
    "f['charges'][0]['amount'] = 100000000; f['charges'][1]['amount'] = 100000000; f['payments'][0]['amount'] = 200000000 + 80500 - 60000",
    "f['charges'] = f['charges'] * 600; f['payments'][0]['amount'] = 80500 * 0 + sum(c['amount'] + c['tax_service'] for c in f['charges']) + 9200",
    "f['member'] = ' ' + f['member'] + ' '",
    "f['reservation_channel'] = None",
    "f['settlement'] = 'later'; f['charges'][0]['date'] = '2025-03-04'",
    "f['room_charged_checks'][0]['charges'] = [{'category': 'room', 'amount': 8000, 'tax_service': 1200}]",
]


@pytest.mark.parametrize("how", CASES)
def test_bill_variants_never_500(not_client, folio, how):
    r = not_client.post(URL, mutate(folio, how), format="json")
    print(how, r.status_code, r.content[:300])
    assert r.status_code < 500, (how, r.content[:500])
    if r.status_code >= 400:
        assert Bill.objects.count() == 0
        assert "code" in r.json()
