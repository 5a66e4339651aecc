"""Where package files live (issue 11: "behind a small storage interface, so object storage can replace
it"), and the content types they are served with.

A course's files are written under a fresh name and renamed into place whole, so a course is either
all there or not at all, and a new course never touches another's files. Names reaching this module
have passed delivery/intake.py; each path is still resolved and checked to stay inside its course's
folder before anything is written or read."""
from __future__ import annotations

import mimetypes
import os
import shutil
import uuid
from pathlib import Path
from typing import Protocol

from delivery.intake import copy_member
from delivery.package import PackageFiles

# Types browsers must get exactly (mimetypes reads /etc/mime.types, which varies by machine).
CONTENT_TYPES = {
    ".html": "text/html", ".htm": "text/html", ".xhtml": "application/xhtml+xml",
    ".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".json": "application/json",
    ".xml": "application/xml", ".xsd": "application/xml", ".txt": "text/plain", ".csv": "text/csv",
    ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".gif": "image/gif", ".webp": "image/webp", ".ico": "image/x-icon", ".bmp": "image/bmp",
    ".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf", ".otf": "font/otf",
    ".eot": "application/vnd.ms-fontobject",
    ".mp4": "video/mp4", ".m4v": "video/mp4", ".webm": "video/webm", ".ogv": "video/ogg",
    ".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".ogg": "audio/ogg", ".oga": "audio/ogg", ".wav": "audio/wav",
    ".vtt": "text/vtt", ".pdf": "application/pdf", ".wasm": "application/wasm", ".swf": "application/x-shockwave-flash",
    ".zip": "application/zip",
}


def content_type_of(path: str) -> str:
    suffix = os.path.splitext(path)[1].lower()
    return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(path, strict=False)[0] or "application/octet-stream"


class ContentStorage(Protocol):
    def put(self, course_id: str, files: PackageFiles) -> None:
        """Stores every file of the package for the course, all or nothing."""

    def local_path(self, course_id: str, path: str) -> Path | None:
        """The file to serve for a path within the course, or None (absent, or not a plain path).
        An object store would answer a redirect or a stream instead; this one serves from disk."""

    def delete(self, course_id: str) -> None:
        """Removes the course's files; nothing happens when there are none."""


def _safe_relative(path: str) -> bool:
    if not path or path.startswith("/") or "\\" in path or "\x00" in path:
        return False
    return all(segment not in ("", ".", "..") for segment in path.split("/"))


class LocalContentStorage:
    """A directory per course under `root` (LRS_CONTENT_DIR); `.incoming` and `.trash` hold the work in
    progress of put and delete, on the same file system so the final rename is atomic."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def _course_dir(self, course_id: str) -> Path:
        uuid.UUID(course_id)  # course ids are server-made UUIDs: never a path of their own
        return self.root / course_id

    def put(self, course_id: str, files: PackageFiles) -> None:
        final = self._course_dir(course_id)
        work = self.root / ".incoming" / uuid.uuid4().hex
        work.mkdir(parents=True)
        work_resolved = work.resolve()
        try:
            for name in sorted(files.names):
                if not _safe_relative(name):
                    raise ValueError(f"unsafe package path {name!r}")
                target = (work / name)
                if not target.resolve().is_relative_to(work_resolved):
                    raise ValueError(f"package path {name!r} leaves the course folder")
                target.parent.mkdir(parents=True, exist_ok=True)
                with files.open(name) as source, open(target, "xb") as sink:
                    copy_member(source, sink)
            os.rename(work, final)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise

    def local_path(self, course_id: str, path: str) -> Path | None:
        try:
            folder = self._course_dir(course_id)
        except ValueError:
            return None
        if not _safe_relative(path):
            return None
        candidate = folder / path
        try:
            resolved = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if not resolved.is_relative_to(folder.resolve()) or not resolved.is_file():
            return None
        return resolved

    def delete(self, course_id: str) -> None:
        folder = self._course_dir(course_id)
        if not folder.exists():
            return
        trash = self.root / ".trash" / uuid.uuid4().hex
        trash.parent.mkdir(parents=True, exist_ok=True)
        os.rename(folder, trash)  # gone from its URL at once; the removal itself may take a while
        shutil.rmtree(trash, ignore_errors=True)
