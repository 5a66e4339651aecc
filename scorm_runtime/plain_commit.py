"""POST /player/api/sessions/{session}/commit answered without Flask (a route of lrs/api/plain_routes.py).

SCORM content commits every few seconds per learner, the runtime's hottest call. The plain case is a POST
to exactly that path with no query string; it does what the Flask view (scorm_runtime/runtime_api.py
`commit`) does: the same body parsing, `sessions.commit`, and the same headers. Errors (a wrong token, an
ended session, a body that is not JSON) are replayed into Flask, whose blueprint error handler answers them
as it answers the view's."""
from __future__ import annotations

import orjson

from lrs.api.plain_routes import PlainAnswer, PlainRoutes, RouteCounts
from scorm_runtime import sessions
from scorm_runtime.runtime_api import JSON_HEADERS, parse_body

PREFIX, SUFFIX = "/player/api/sessions/", "/commit"
RULE = PREFIX + "<session_id>" + SUFFIX  # the Flask view's rule, as the request log names it


class PlainCommit:
    def __init__(self, app):
        self._app = app
        self._settings = sessions.RuntimeSettings.from_settings(app.extensions["lrs_settings"])
        self.counts = RouteCounts()

    @classmethod
    def install(cls, app) -> PlainCommit:
        route = cls(app)
        route.counts = PlainRoutes.on(app).add(route)
        app.extensions["scorm_plain_commit"] = route
        return route

    @staticmethod
    def match(environ) -> str | None:
        """The session id when this request is the plain case, else None."""
        path = environ.get("PATH_INFO", "")
        if (environ.get("REQUEST_METHOD") != "POST" or environ.get("QUERY_STRING")
                or not path.startswith(PREFIX) or not path.endswith(SUFFIX)):
            return None
        session_id = path[len(PREFIX):-len(SUFFIX)]
        return session_id if session_id and "/" not in session_id else None  # Flask's <session_id>

    @staticmethod
    def flask_context(environ, session_id: str) -> dict:
        return {}  # the view sets nothing on flask.g

    def answer(self, environ, raw: bytes, session_id: str) -> PlainAnswer:
        body = parse_body(raw)
        runtime = self._app.extensions["delivery"].runtime
        result = sessions.commit(runtime, session_id, body.get("sessionToken"), body.get("cmi"), self._settings)

        def note(exchange) -> None:  # what lrs.operations.observation.note_response notes for the view
            exchange.noted, exchange.route = True, RULE

        return PlainAnswer(orjson.dumps(result), list(JSON_HEADERS), note=note)
