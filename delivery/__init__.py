"""The course and launch API shared by SCORM 1.2, SCORM 2004 and cmi5 (../shared/launch-api.md).

Package intake, content storage, courses, registrations, sessions, launch and progress live here; each
standard plugs in through `delivery.standard.Standard`. This package imports no standard by name."""
