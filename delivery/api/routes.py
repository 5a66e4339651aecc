"""The course and launch API under /api/v1 (launch-api.md): thin handlers over delivery.services, with
the contract's error bodies `{"error": CODE, "message": TEXT}` (plus `rule` and `file` for
invalid_package). Credentials are a store's, as on /xapi (HTTP Basic or a Bearer token), with the scope
`courses` or `all`."""
from __future__ import annotations

from flask import current_app, g, request
from flask.views import MethodView

from delivery.api import current_delivery
from delivery.api.documentation import (ABANDON_ANSWERS, ERROR, COURSE, COURSE_LIST, COURSE_UPLOAD, COURSE_WITH_STRUCTURE,
                                        ERROR_STATUSES, LAUNCH_REQUEST, LAUNCH_RESPONSE, PROGRESS,
                                        REGISTRATION, REGISTRATION_REQUEST, WAIVE_REQUEST, id_parameter,
                                        json_content)
from delivery.api.errors import error_answer, error_headers, register_error_handlers
from delivery.errors import BadRequest, Forbidden
from delivery.intake import kind_of_file, media_kind, spooled
from delivery.package import PackageTooLarge
from delivery.requests import json_object, launch_body, registration_request, uuid_text, waive_body
from delivery.services import course_body, registration_body
from lrs.api.openapi import DocumentedBlueprint
from lrs.api.responses import json_response

API_PREFIX = "/api/v1"
COURSES_SCOPE = "courses"
_ALL = "all"

blueprint = DocumentedBlueprint(
    "courses_api", __name__, url_prefix=API_PREFIX,
    description="The course and launch API: SCORM 1.2, SCORM 2004 and cmi5 courses, registrations, launch "
                "and progress (a store credential with the scope `courses` or `all`)",
    security=[{"xapiBasic": []}, {"xapiBearer": []}])
register_error_handlers(blueprint)


@blueprint.before_request
def _authenticate():
    if request.method == "OPTIONS":
        return
    services = current_app.extensions["lrs"]
    principal = services.authenticator.authenticate(request.headers.get("Authorization"), request.remote_addr)
    g.principal = principal  # the request log names the store and credential (lrs/operations/observation.py)
    # launch-api.md, Conventions: the credential needs the scope `courses`; `all` includes it.
    if not ({COURSES_SCOPE, _ALL} & set(principal.scopes)):
        raise Forbidden("these credentials may not use the course and launch API: that needs the scope "
                        "courses or all")
    g.delivery_store_id = principal.store_id


def _store_id() -> int:
    return g.delivery_store_id


def _body() -> dict:
    if request.content_length and request.mimetype not in ("application/json", ""):
        raise BadRequest("the body must be application/json")
    return json_object(request.get_data(cache=True))


def _errors(*statuses: int):
    def decorator(function):
        for status in statuses:
            function = blueprint.answers(status, ERROR_STATUSES.get(status, "Refused"),
                                         content=error_answer(status), headers=error_headers(status))(function)
        return function
    return decorator


def _shared_errors(function):
    return _errors(401, 403, 429, 503)(function)


@blueprint.route("/courses")
class Courses(MethodView):
    @blueprint.query({"in": "query", "name": "title", "required": False, "description":
                      "The course's title, in place of the one in the package", "schema": {"type": "string"}})
    @blueprint.body(COURSE_UPLOAD, description="The package: a zip, a bare cmi5.xml, or multipart/form-data "
                                               "with the file in the field `file`")
    @blueprint.answers(201, "The imported course", content=json_content(COURSE))
    @_errors(400, 413, 415)
    @_shared_errors
    def post(self):
        """Import a course (SCORM 1.2, SCORM 2004 or cmi5); the standard is detected from the package."""
        delivery = current_delivery()
        limits = delivery.limits
        # Packages are far larger than other requests: their own limit, streamed to disk.
        request.max_content_length = limits.max_upload_bytes
        if request.content_length is not None and request.content_length > limits.max_upload_bytes:
            raise PackageTooLarge(f"the upload is larger than {limits.max_upload_bytes} bytes (LRS_PACKAGE_MAX_BYTES)")
        title = request.args.get("title") or None
        if title is not None and "\x00" in title:
            raise BadRequest("'title' must not contain U+0000")
        if request.mimetype == "multipart/form-data":
            upload = request.files.get("file")
            if upload is None:
                raise BadRequest("multipart/form-data needs the package in the field 'file'")
            head = upload.stream.read(8)
            upload.stream.seek(0)
            kind, stream = kind_of_file(upload.filename, head), upload.stream
        else:
            kind, stream = media_kind(request.content_type), request.stream
        with spooled(stream, kind, limits, delivery.work_dir) as spooled_upload:
            course = delivery.import_course(_store_id(), spooled_upload, title=title)
        return json_response(course_body(course), status=201)

    @blueprint.answers(200, "The store's courses, oldest first", content=json_content(COURSE_LIST))
    @_shared_errors
    def get(self):
        """The store's courses (deleted ones are gone)."""
        return json_response({"courses": [course_body(course) for course in current_delivery().courses(_store_id())]})


@blueprint.route("/courses/<course_id>", parameters=[id_parameter("course_id", "The course id")])
class Course(MethodView):
    @blueprint.answers(200, "The course as imported, with its structure", content=json_content(COURSE_WITH_STRUCTURE))
    @_errors(400, 404)
    @_shared_errors
    def get(self, course_id: str):
        """A course: as at import, plus `structure`, the tree of its organisation (SCORM) or blocks and AUs (cmi5)."""
        course = current_delivery().course(_store_id(), uuid_text(course_id, "the course id"))
        return json_response({**course_body(course), "structure": course.structure})

    @blueprint.answers(204, "Deleted: files removed, open sessions ended; registrations and statements stay")
    @_errors(400, 404)
    @_shared_errors
    def delete(self, course_id: str):
        """Delete a course."""
        current_delivery().delete_course(_store_id(), uuid_text(course_id, "the course id"))
        return "", 204


@blueprint.route("/registrations", methods=["POST"])
@blueprint.body(json_content(REGISTRATION_REQUEST), description="The course, the learner (an xAPI Agent), "
                                                                "and optionally the registration's UUID")
@blueprint.answers(201, "A new registration", content=json_content(REGISTRATION))
@blueprint.answers(200, "This id already names a registration of this course and learner",
                   content=json_content(REGISTRATION))
@_errors(400, 404, 409)
@_shared_errors
def create_registration():
    """Register a learner on a course. With `id`, the call is idempotent for the same course and learner."""
    result = current_delivery().register(_store_id(), registration_request(_body()))
    return json_response(registration_body(result.registration), status=201 if result.created else 200)


@blueprint.route("/registrations/<registration_id>", methods=["GET"],
                 parameters=[id_parameter("registration_id", "The registration id")])
@blueprint.answers(200, "The registration's progress", content=json_content(PROGRESS))
@_errors(400, 404)
@_shared_errors
def registration_progress(registration_id: str):
    """Progress: completion, success, score and time, per item and rolled up; blocks (cmi5); sessions."""
    return json_response(current_delivery().progress(_store_id(), uuid_text(registration_id, "the registration id")))


@blueprint.route("/registrations/<registration_id>/launch", methods=["POST"],
                 parameters=[id_parameter("registration_id", "The registration id")])
@blueprint.body(json_content(LAUNCH_REQUEST), description="The item (by id or index) or neither (continue), "
                                                          "the launch mode and the return URL",
                required=False)
@blueprint.answers(200, "The URL to open", content=json_content(LAUNCH_RESPONSE))
@_errors(400, 404, 409)
@_shared_errors
def launch(registration_id: str):
    """Launch an item of the registration's course, or continue where the learner left off."""
    delivery = current_delivery()
    registration_id = uuid_text(registration_id, "the registration id")
    delivery.registration(_store_id(), registration_id)  # 404 before the body is judged
    return json_response(delivery.launch(_store_id(), registration_id, launch_body(_body())))


@blueprint.route("/registrations/<registration_id>/waive", methods=["POST"],
                 parameters=[id_parameter("registration_id", "The registration id")])
@blueprint.body(json_content(WAIVE_REQUEST), description="The AU (by id or index) and the reason (cmi5 9.5.5.2)")
@blueprint.answers(204, "Waived")
@_errors(400, 404, 409)
@_shared_errors
def waive(registration_id: str):
    """Waive an AU of a cmi5 course (cmi5 9.3.7); a SCORM course has nothing to waive (409)."""
    delivery = current_delivery()
    registration_id = uuid_text(registration_id, "the registration id")
    delivery.registration(_store_id(), registration_id)
    delivery.waive(_store_id(), registration_id, waive_body(_body()))
    return "", 204


@blueprint.route("/sessions/<session_id>/abandon", methods=["POST"],
                 parameters=[id_parameter("session_id", "The session id (for cmi5, the one in LaunchData's "
                                                        "contextTemplate)")])
@blueprint.answers(204, ABANDON_ANSWERS)
@_errors(400, 404, 409)
@_shared_errors
def abandon_session(session_id: str):
    """Abandon a session: cmi5 writes `abandoned`; a SCORM session ends with its last commit."""
    current_delivery().abandon(_store_id(), uuid_text(session_id, "the session id"))
    return "", 204


def register(api) -> None:
    """Adds the blueprint and the error body it documents to the app's flask-smorest Api."""
    api.spec.components.schema("DeliveryError", ERROR)
    api.register_blueprint(blueprint)
