"""Pages and JSON answers of the workflows' endpoints. Pages are inert on our origin: no script at all,
the one inline style allowed by its hash, forms only to ourselves, never framed, no referrer (an
unsubscribe URL carries its token)."""
from __future__ import annotations

import base64
import hashlib

from flask import Response, current_app
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from automation.email.templates import TEMPLATES

PAGE_STYLE = ("body{font-family:system-ui,sans-serif;line-height:1.5;margin:2rem auto;max-width:40rem;"
              "padding:0 1rem;color:#1a1a1a}dt{font-weight:bold}dd{margin:0 0 .75rem}"
              ".valid{color:#0a6b2b}.revoked,.error{color:#a4161a}"
              "input,textarea{width:100%;font:inherit;padding:.4rem}button{font:inherit;padding:.4rem 1rem}"
              ":focus-visible{outline:3px solid #1a5fb4;outline-offset:2px}")
_STYLE_HASH = base64.b64encode(hashlib.sha256(PAGE_STYLE.encode()).digest()).decode()
PAGE_CSP = (f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; form-action 'self'; base-uri 'none'; "
            "frame-ancestors 'none'")
_PAGES = Environment(loader=FileSystemLoader(str(TEMPLATES)), undefined=StrictUndefined,
                     autoescape=select_autoescape(["html"]))


def page(name: str, status: int = 200, **context) -> Response:
    html = _PAGES.get_template(f"pages/{name}.html").render(page_style=PAGE_STYLE, **context)
    return Response(html, status=status, mimetype="text/html", headers={
        "Content-Security-Policy": PAGE_CSP, "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer", "Cache-Control": "no-store", "X-Frame-Options": "DENY"})


def not_found_page(message: str) -> Response:
    return page("not_found", status=404, message=message)


def workflows():
    return current_app.extensions["workflows"]
