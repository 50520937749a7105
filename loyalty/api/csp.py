"""Content-Security-Policy of the API's JSON answers (issue 14, made cheap for issue 13's throughput).

A JSON answer is never rendered as a page, so it gets the strictest policy there is, ``default-src 'none';
frame-ancestors 'none'``, as one constant header: django-csp builds its policy (directives, nonce) for every response,
which costs the bills endpoint more than a tenth of a millisecond a request for a header no browser will apply.
Every other response (My Account, the office, the API's Swagger page) gets django-csp's policy as before."""

from __future__ import annotations

from csp.middleware import CSPMiddleware

JSON_POLICY = "default-src 'none'; frame-ancestors 'none'"
JSON_TYPES = ("application/json", "application/problem+json", "application/vnd.oai.openapi+json")


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with one fixed policy for JSON answers."""

    def process_response(self, request, response):
        if response.get("Content-Type", "").split(";", 1)[0].strip() in JSON_TYPES:
            if "Content-Security-Policy" not in response:
                response["Content-Security-Policy"] = JSON_POLICY
            return response
        return super().process_response(request, response)
