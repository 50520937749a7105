"""F01 on the real server (slow, ~30 s): gunicorn with production settings; a chunked {"amount": 5000} used to
refund the whole bill."""

from __future__ import annotations

import copy
import datetime as dt
import http.client
import json
import sys

import pytest

from points.models import Bill, Hotel, Outlet, OutletDesignation
from points.services.tokens import api_token_issue
from tests.factories import make_member
from tests.points.test_bills import EXAMPLE
from tests.stack.support import HTTPS, Processes, free_port, production_env, wait_http


@pytest.mark.django_db(transaction=True)
@pytest.mark.stack  # starts gunicorn
def test_gunicorn_chunked_partial_refund_refunds_the_whole_bill(postgres_only, noc, tmp_path):
    hotel = Hotel.objects.create(program=noc, code="NOT", name="Hotel New Otani Tokyo", brand="new-otani")
    outlet = Outlet.objects.create(hotel=hotel, code="SATSUKI", name="Satsuki", kind="restaurant")
    OutletDesignation.objects.create(outlet=outlet, effective_from=dt.date(2007, 10, 1), designated=True)
    member = make_member("new-otani", enrolled_on=dt.date(2020, 1, 1))
    _, key = api_token_issue(hotel=hotel)
    headers = {**HTTPS, "Authorization": f"Token {key}", "Content-Type": "application/json"}
    procs = Processes(tmp_path)
    port = free_port()
    env = production_env(tmp_path, WEB_CONCURRENCY="1")
    try:
        procs.start(
            "web",
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "loyalty.wsgi"],
            {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
        )
        wait_http(port)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("POST", "/api/v1/bills/", json.dumps({**copy.deepcopy(EXAMPLE), "member": member.number}), headers)
        r = conn.getresponse()
        assert r.status == 201, r.read()
        r.read()
        conn.close()
        # When the PMS refunds JPY 5,000 with a chunked body (no Content-Length)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(
            "POST", "/api/v1/bills/NOT/F-1001/refund/", iter([b'{"amount": 5000}']), headers, encode_chunked=True
        )
        r = conn.getresponse()
        status, body = r.status, r.read()
        conn.close()
    finally:
        procs.stop_all()
    bill = Bill.objects.get()
    # Then JPY 5,000 is refunded, or the request is refused: never the whole bill
    assert status >= 400 or bill.refunded_amount == 5000, (status, body, bill.refunded_amount)
