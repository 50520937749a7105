"""F01 (HIGH): a refund body sent with ``Transfer-Encoding: chunked`` (no Content-Length) is read as no body at all,
and "no body" means ``{}``: the WHOLE bill is refunded and every point retracted, although the PMS asked for
JPY 5,000. Django's WSGIRequest reads CONTENT_LENGTH bytes only (0 when absent); gunicorn passes chunked bodies
without CONTENT_LENGTH; BillRefundView maps an empty body to ``{}`` (points/api/views.py)."""

from __future__ import annotations

import io
import json

from django.test.client import ClientHandler

from points.models import Bill
from tests.api.test_bills_api import URL

REFUND = "/api/v1/bills/NOT/F-1001/refund/"


def chunked_post(path: str, body: bytes, authorization: str) -> tuple[int, dict]:
    """The WSGI environ gunicorn builds for a chunked request: no CONTENT_LENGTH, the de-chunked body in wsgi.input."""
    environ = {
        "REQUEST_METHOD": "POST", "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "",
        "SERVER_NAME": "testserver", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": "application/json", "HTTP_TRANSFER_ENCODING": "chunked", "HTTP_AUTHORIZATION": authorization,
        "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True, "wsgi.errors": io.StringIO(), "wsgi.multithread": False,
        "wsgi.multiprocess": True, "wsgi.run_once": False,
    }  # fmt: skip
    response = ClientHandler()(environ)  # Django's WSGI handler as the test client runs it
    return response.status_code, json.loads(response.content or b"{}")


def test_f01_a_chunked_partial_refund_refunds_the_whole_bill(not_client, folio):
    # Given the API.md bill (JPY 80,500, 3,910 points)
    assert not_client.post(URL, folio, format="json").status_code == 201
    # When the PMS refunds JPY 5,000 with a chunked body
    status, body = chunked_post(REFUND, b'{"amount": 5000}', not_client._credentials["HTTP_AUTHORIZATION"])
    bill = Bill.objects.get()
    # Then JPY 5,000 is refunded, or the request is refused (400/411): never the whole bill
    # Before the fix: (200, {'points_retracted': 3910, 'balance': 0}, 80500)
    assert status >= 400 or bill.refunded_amount == 5000, (status, body, bill.refunded_amount)
