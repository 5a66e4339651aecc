"""The hottest requests, answered without Flask's per-request machinery.

A cmi5 AU sends every statement as its own POST and SCORM content commits every few seconds. For these,
Flask's request context, URL routing, hook chains and response object cost about as much CPU as the work
itself. So a few routes are answered here, a WSGI layer in front of the Flask app: each route matches only
its plain case and does exactly what its Flask view does, with the same headers. Anything else goes to Flask
untouched. So does every request until Flask has answered one in the process, so every app-level
before_request hook has run once (a hook that starts something, such as automation's in-process runner,
does so).

Every error, expected or not, is rendered by Flask: the request is handed on with the error, and the app's
first before_request hook raises it there, so the app's (and the view's blueprint's) error handlers and
after_request hooks answer it as they answer any other request. What ran before the error (authentication,
a throttle count) is not run again.

The app-level hooks a plain answer stands in for are listed in KNOWN_HOOKS;
tests/api/test_statement_post_route.py fails when the app has another, so whoever adds one decides whether
plain answers need it too. Routes: lrs/api/statements/post_route.py (POST /xapi/statements) and
scorm_runtime/plain_commit.py (the SCORM player's commit)."""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Callable, Protocol

from flask import after_this_request, current_app, g, request

from lrs.api.alternate_syntax import ERROR_KEY as ALTERNATE_SYNTAX_ERROR
from lrs.api.body_limit import BAD_LENGTH, TOO_LARGE
from lrs.api.stored_content import API_CONTENT_SECURITY_POLICY
from lrs.operations.exchange import ENVIRON_KEY as EXCHANGE

_REPLAY = "lrs.plain_route_error"
# Set by middlewares outside this one (lrs.api.body_limit, lrs.api.alternate_syntax): Flask reports them.
FLAGS = (TOO_LARGE, BAD_LENGTH, ALTERNATE_SYNTAX_ERROR)
# The app-level Flask hooks (module.function) and what stands in for each on a plain answer.
KNOWN_HOOKS = {
    "before_request": {
        "lrs.api.plain_routes.before_flask_request": "this layer's own",
        "lrs.api.body_limit.refuse_oversized_body": "flagged requests go to Flask (FLAGS)",
        "lrs.api.admin_origin.refuse_cross_site_admin_request": "admin paths only",
        "automation.container.start_embedded": "starts once per process: the first request goes to Flask",
    },
    "after_request": {
        "lrs.api.xapi.add_xapi_headers": "the statement route's version and Consistent-Through headers",
        "lrs.api.stored_content.add_inert_content_headers": "nosniff and the CSP (INERT_HEADERS); JSON is shown inline",
        "lrs.api.browser_challenge.no_basic_prompt_for_browsers": "401 only, which Flask answers",
        "lrs.app.<lambda>": "CORS (lrs.api.cors.add_cors_headers): the statement route's own, /xapi only",
        "lrs.operations.observation.note_response": "each answer's `note` (PlainAnswer)",
    },
}
# lrs.api.stored_content.add_inert_content_headers, on every plain answer.
INERT_HEADERS = (("X-Content-Type-Options", "nosniff"), ("Content-Security-Policy", API_CONTENT_SECURITY_POLICY))


@dataclass
class PlainAnswer:
    """A 200 answer; anything else is Flask's (an error is replayed)."""
    body: bytes
    headers: list[tuple[str, str]]  # besides Content-Length and INERT_HEADERS, which are added
    note: Callable[[object], None] | None = None  # fills the request's lrs.operations Exchange, as note_response


class PlainRoute(Protocol):
    def match(self, environ) -> object | None:
        """What the answer needs to know when this request is the route's plain case, else None."""

    def answer(self, environ, body: bytes, matched) -> PlainAnswer:
        """The view's answer; any exception is answered by Flask instead (replayed)."""

    def flask_context(self, environ, matched) -> dict:
        """`flask.g` values the view would have set before an error (the negotiated xAPI version, the
        principal once authenticated...)."""


@dataclass
class RouteCounts:
    answered: int = 0  # requests this route answered itself
    replayed: int = 0  # requests whose error it handed to Flask


@dataclass
class PlainRoutes:
    """The WSGI layer (`on(app)` installs it once per app); `add` a route to it."""
    wsgi_app: Callable
    routes: list = field(default_factory=list)
    flask_served: bool = False  # no Flask request yet in this process

    @classmethod
    def on(cls, app) -> PlainRoutes:
        """The app's layer: wraps app.wsgi_app and registers its hook as the app's first before_request
        hook, the first time."""
        layer = app.extensions.get("plain_routes")
        if layer is None:
            layer = cls(app.wsgi_app)
            app.before_request_funcs.setdefault(None, []).insert(0, before_flask_request)
            app.wsgi_app = layer
            app.extensions["plain_routes"] = layer
        return layer

    def add(self, route: PlainRoute) -> RouteCounts:
        counts = RouteCounts()
        self.routes.append((route, counts))
        return counts

    def __call__(self, environ, start_response):
        if not self.flask_served or any(flag in environ for flag in FLAGS):
            return self.wsgi_app(environ, start_response)
        for route, counts in self.routes:
            matched = route.match(environ)
            if matched is not None:
                return self._answer(route, counts, matched, environ, start_response)
        return self.wsgi_app(environ, start_response)

    def _answer(self, route, counts: RouteCounts, matched, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        if len(raw) != length:  # the client sent less than it declared: werkzeug says so, as before
            environ["wsgi.input"] = io.BytesIO(raw)
            return self.wsgi_app(environ, start_response)
        try:
            answer = route.answer(environ, raw, matched)
        except Exception as error:  # noqa: BLE001 - every error is answered by the app's own handlers
            environ[_REPLAY] = (error, route.flask_context(environ, matched))
            counts.replayed += 1
            environ["wsgi.input"] = io.BytesIO(b"")
            environ["CONTENT_LENGTH"] = "0"
            return self.wsgi_app(environ, start_response)
        counts.answered += 1
        exchange = environ.get(EXCHANGE)
        if exchange is not None and answer.note is not None:
            answer.note(exchange)
        start_response("200 OK", [*answer.headers, ("Content-Length", str(len(answer.body))), *INERT_HEADERS])
        return [answer.body]


def before_flask_request() -> None:
    """The app's first before_request hook: once Flask has answered a request in this process (its other
    hooks have run), plain routes answer; raises, inside Flask, the error a plain route met, with the `g`
    values its view would have set."""
    layer = current_app.extensions.get("plain_routes")
    if layer is not None and not layer.flask_served:
        @after_this_request
        def served(response):
            layer.flask_served = True
            return response
    replay = request.environ.get(_REPLAY)
    if replay is not None:
        error, context = replay
        for name, value in context.items():
            setattr(g, name, value)
        raise error
