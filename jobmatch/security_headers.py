"""Security headers on every answer: pages, the API's JSON, files and errors alike.

The pages run only their own scripts from /static (the vendored ECharts and swagger-ui
included): no inline script, nothing from another site, and no page of ours inside another
site's frame. Inline style attributes stay allowed; the templates and swagger-ui use them.
"""

from flask import Flask, request

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",  # frame-ancestors, for browsers that predate it
}
# A year; sent only over HTTPS, where a browser honours it (behind a proxy, the proxy must pass
# X-Forwarded-Proto and the app be wrapped in ProxyFix, see docs/operations.md).
HSTS = "max-age=31536000; includeSubDomains"


def add_security_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
