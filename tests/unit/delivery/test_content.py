"""Package files under the content directory: a course appears whole or not at all, and a path outside
its folder is never served (issue 11, Import)."""
from __future__ import annotations

import uuid

import pytest

from delivery.content import LocalContentStorage, content_type_of
from delivery.package import ManifestOnly

COURSE = "00000000-0000-4000-8000-00000000000a"


class _Files:
    def __init__(self, members: dict[str, bytes]):
        self._members = members

    @property
    def names(self):
        return frozenset(self._members)

    def read(self, name):
        return self._members[name]

    def open(self, name):
        import io
        return io.BytesIO(self._members[name])


def test_a_course_is_served_by_its_paths_and_only_inside_its_folder(tmp_path):
    storage = LocalContentStorage(tmp_path / "content")
    storage.put(COURSE, _Files({"index.html": b"<p>", "scos/a b.js": b"1"}))
    (tmp_path / "secret.txt").write_text("secret")
    assert storage.local_path(COURSE, "scos/a b.js").read_bytes() == b"1"
    for path in ("../secret.txt", "../../secret.txt", "/etc/passwd", "scos/../index.html", "scos\\a b.js", "", "scos"):
        assert storage.local_path(COURSE, path) is None, path
    assert storage.local_path("../" + COURSE, "index.html") is None
    assert storage.local_path(str(uuid.uuid4()), "index.html") is None


def test_a_failed_put_leaves_nothing_and_a_new_course_leaves_others_alone(tmp_path):
    storage = LocalContentStorage(tmp_path / "content")
    storage.put(COURSE, _Files({"index.html": b"first"}))

    class _Broken(_Files):
        def open(self, name):
            if name == "z.html":
                raise OSError("disk full")
            return super().open(name)

    other = str(uuid.uuid4())
    with pytest.raises(OSError):
        storage.put(other, _Broken({"a.html": b"a", "z.html": b"z"}))
    assert storage.local_path(other, "a.html") is None
    assert storage.local_path(COURSE, "index.html").read_bytes() == b"first"
    assert not any((tmp_path / "content" / ".incoming").iterdir())


def test_delete_removes_the_course_files_only(tmp_path):
    storage = LocalContentStorage(tmp_path / "content")
    other = str(uuid.uuid4())
    storage.put(COURSE, ManifestOnly("cmi5.xml", b"<courseStructure/>"))
    storage.put(other, ManifestOnly("cmi5.xml", b"<courseStructure/>"))
    storage.delete(COURSE)
    storage.delete(COURSE)  # nothing there any more: no error
    assert storage.local_path(COURSE, "cmi5.xml") is None
    assert storage.local_path(other, "cmi5.xml") is not None


@pytest.mark.parametrize("path, content_type", [("a.html", "text/html"), ("a/b.JS", "text/javascript"),
                                                ("s.css", "text/css"), ("v.mp4", "video/mp4"), ("f.woff2", "font/woff2"),
                                                ("d.json", "application/json"), ("i.svg", "image/svg+xml"),
                                                ("x.unknownext", "application/octet-stream")])
def test_content_types_are_fixed_not_left_to_the_machine(path, content_type):
    assert content_type_of(path) == content_type
