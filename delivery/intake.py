"""Package intake: an upload is streamed to a temporary file (never held whole in memory), and a zip is
hostile until proven otherwise (issue 11, Import).

Every member of a zip is checked on the central directory before a byte is inflated (names: traversal,
absolute paths, backslashes, drive letters; links and other non-regular members; duplicates; count,
sizes and compression ratio), and the bytes actually inflated are counted again as they are read, so a
member whose header lies is cut off at its declared size or the limits, whichever comes first. Every
limit is a setting (lrs/settings.py, LRS_PACKAGE_*)."""
from __future__ import annotations

import io
import os
import re
import shutil
import stat
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

from lxml import etree

from delivery.package import InvalidPackage, ManifestOnly, PackageTooLarge, UnsupportedPackageType

ZIP_MEDIA_TYPES = frozenset({"application/zip", "application/x-zip-compressed", "application/x-zip"})
XML_MEDIA_TYPES = frozenset({"application/xml", "text/xml"})
_CHUNK = 1024 * 1024
# PKWARE APPNOTE 4.4.17.1: "The path stored MUST NOT contain a drive or device letter, or a leading
# slash. All slashes MUST be forward slashes '/'".
NAME_RULE = "ZIP APPNOTE 4.4.17.1"
ZIP_RULE = "ZIP APPNOTE 4.3"
_DRIVE = re.compile(r"^[A-Za-z]:")
_SUPPORTED_COMPRESSION = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
# The root element of each bare XML file a package may be given as, and the name it has in a package.
XML_ROOT_FILES = {"courseStructure": "cmi5.xml", "manifest": "imsmanifest.xml"}


@dataclass(frozen=True)
class IntakeLimits:
    max_upload_bytes: int = 1024 * 1024 * 1024
    max_files: int = 20_000
    max_file_bytes: int = 1024 * 1024 * 1024
    max_total_bytes: int = 4 * 1024 * 1024 * 1024
    max_ratio: int = 200
    ratio_floor_bytes: int = 1024 * 1024
    max_xml_bytes: int = 16 * 1024 * 1024

    @classmethod
    def from_settings(cls, settings) -> "IntakeLimits":
        return cls(max_upload_bytes=settings.package_max_bytes, max_files=settings.package_max_files,
                   max_file_bytes=settings.package_max_file_bytes,
                   max_total_bytes=settings.package_max_total_bytes, max_ratio=settings.package_max_ratio,
                   ratio_floor_bytes=settings.package_ratio_floor_bytes, max_xml_bytes=settings.package_max_xml_bytes)


@dataclass(frozen=True)
class Upload:
    """An upload spooled to `path`: "zip", or "xml" (a bare course structure or manifest)."""
    path: Path
    kind: str


def media_kind(content_type: str | None) -> str:
    """"zip" or "xml" for a request's Content-Type; UnsupportedPackageType (415) otherwise."""
    mimetype = (content_type or "").split(";", 1)[0].strip().lower()
    if mimetype in ZIP_MEDIA_TYPES:
        return "zip"
    if mimetype in XML_MEDIA_TYPES:
        return "xml"
    raise UnsupportedPackageType(f"a course is a zip (application/zip), a cmi5.xml (application/xml or text/xml) "
                                 f"or multipart/form-data with the file in 'file'; not '{mimetype or 'no type'}'")


def kind_of_file(filename: str | None, head: bytes) -> str:
    """For a multipart file part: a zip by its signature or name, XML by its name or a leading '<'."""
    name = (filename or "").lower()
    if head.startswith(b"PK") or name.endswith(".zip"):
        return "zip"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if name.endswith(".xml") or stripped.startswith(b"<"):
        return "xml"
    raise UnsupportedPackageType("the uploaded file is neither a zip nor XML")


@contextmanager
def spooled(stream: BinaryIO, kind: str, limits: IntakeLimits, directory: Path | None = None) -> Iterator[Upload]:
    """Copies the stream to a temporary file in `directory` (made if missing) in fixed-size chunks,
    refusing (413) past the upload limit; the file is removed on exit, whatever happens."""
    limit = limits.max_xml_bytes if kind == "xml" else limits.max_upload_bytes
    if directory is not None:
        directory.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix="upload-", suffix=".part", dir=directory)
    path = Path(name)
    try:
        with os.fdopen(handle, "wb") as target:
            written = 0
            while True:
                chunk = stream.read(_CHUNK)
                if not chunk:
                    break
                written += len(chunk)
                if written > limit:
                    raise PackageTooLarge(f"the upload is larger than {limit} bytes "
                                          f"({'LRS_PACKAGE_MAX_XML_BYTES' if kind == 'xml' else 'LRS_PACKAGE_MAX_BYTES'})")
                target.write(chunk)
        yield Upload(path, kind)
    finally:
        path.unlink(missing_ok=True)


def checked_member_name(name: str) -> str:
    """The member name if it is a safe relative '/'-separated path; InvalidPackage naming the attack
    otherwise. A directory entry keeps its trailing '/'."""
    if not name:
        raise InvalidPackage("a zip member has an empty name", rule=NAME_RULE, file=None)
    if any(ord(character) < 0x20 or character == "\x7f" for character in name):
        raise InvalidPackage(f"zip member {name!r} has a control character in its name", rule=NAME_RULE, file=name)
    if "\\" in name:
        raise InvalidPackage(f"zip member '{name}' has a backslash in its name; zip paths use '/'", rule=NAME_RULE,
                             file=name)
    if name.startswith("/"):
        raise InvalidPackage(f"zip member '{name}' has an absolute path", rule=NAME_RULE, file=name)
    if _DRIVE.match(name):
        raise InvalidPackage(f"zip member '{name}' starts with a drive letter", rule=NAME_RULE, file=name)
    segments = name[:-1].split("/") if name.endswith("/") else name.split("/")
    for segment in segments:
        if segment in ("", ".", ".."):
            raise InvalidPackage(f"zip member '{name}' is not a plain relative path (it has '{segment or '//'}'"
                                 f"{' and could escape the package' if segment == '..' else ''})",
                                 rule=NAME_RULE, file=name)
    return name


def _is_link_or_special(info: zipfile.ZipInfo) -> str | None:
    """What kind of non-regular member this is (a Unix mode in the high bits of external_attr), or None."""
    mode = info.external_attr >> 16
    if info.create_system != 3 or mode == 0:
        return None
    kind = stat.S_IFMT(mode)
    if kind == stat.S_IFLNK:
        return "a symbolic link"
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        return "not a regular file"
    return None


class ZipPackage:
    """The checked members of a zip on disk (delivery.package.PackageFiles)."""

    def __init__(self, path: Path, limits: IntakeLimits):
        self._limits = limits
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
            raise InvalidPackage(f"the body is not a readable zip archive ({error})", rule=ZIP_RULE) from None
        try:
            self._members = self._check(self._zip.infolist(), path.stat().st_size)
        except BaseException:
            self._zip.close()
            raise
        self._inflated_total = 0

    def _check(self, infos: list[zipfile.ZipInfo], archive_bytes: int) -> dict[str, zipfile.ZipInfo]:
        limits = self._limits
        if len(infos) > limits.max_files:
            raise PackageTooLarge(f"the zip has {len(infos)} members, more than {limits.max_files} "
                                  "(LRS_PACKAGE_MAX_FILES)")
        members: dict[str, zipfile.ZipInfo] = {}
        directories: set[str] = set()
        seen: set[str] = set()
        total = 0
        for info in infos:
            name = checked_member_name(info.filename)
            if name in seen:
                raise InvalidPackage(f"the zip holds '{name}' more than once", rule=NAME_RULE, file=name)
            seen.add(name)
            special = _is_link_or_special(info)
            if special:
                raise InvalidPackage(f"zip member '{name}' is {special}; a package holds regular files only",
                                     rule=NAME_RULE, file=name)
            if info.flag_bits & 0x1:
                raise InvalidPackage(f"zip member '{name}' is encrypted", rule="ZIP APPNOTE 4.4.4", file=name)
            if name.endswith("/"):
                directories.add(name[:-1])
                continue
            if info.compress_type not in _SUPPORTED_COMPRESSION:
                raise InvalidPackage(f"zip member '{name}' uses compression method {info.compress_type}, which "
                                     "this server does not read", rule="ZIP APPNOTE 4.4.5", file=name)
            if info.file_size > limits.max_file_bytes:
                raise PackageTooLarge(f"zip member '{name}' inflates to {info.file_size} bytes, more than "
                                      f"{limits.max_file_bytes} (LRS_PACKAGE_MAX_FILE_BYTES)")
            if info.file_size > limits.ratio_floor_bytes and \
                    info.file_size > limits.max_ratio * max(info.compress_size, 1):
                raise PackageTooLarge(f"zip member '{name}' inflates {info.file_size // max(info.compress_size, 1)} "
                                      f"times its compressed size, more than {limits.max_ratio} "
                                      "(LRS_PACKAGE_MAX_RATIO): a zip bomb")
            total += info.file_size
            if total > limits.max_total_bytes:
                raise PackageTooLarge(f"the zip inflates to more than {limits.max_total_bytes} bytes "
                                      "(LRS_PACKAGE_MAX_TOTAL_BYTES)")
            members[name] = info
        if total > limits.ratio_floor_bytes and total > limits.max_ratio * max(archive_bytes, 1):
            raise PackageTooLarge(f"the zip inflates {total // max(archive_bytes, 1)} times its size, more than "
                                  f"{limits.max_ratio} (LRS_PACKAGE_MAX_RATIO): a zip bomb")
        for name in members:
            # A file where another member needs a folder ("a" and "a/b") cannot both be written.
            parts = name.split("/")
            for depth in range(1, len(parts)):
                prefix = "/".join(parts[:depth])
                if prefix in members:
                    raise InvalidPackage(f"zip member '{prefix}' is a file and also the folder of '{name}'",
                                         rule=NAME_RULE, file=name)
        return members

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self._members)

    def read(self, name: str) -> bytes:
        """A whole member, for manifests and other small files (at most LRS_PACKAGE_MAX_XML_BYTES)."""
        info = self._members[name]
        if info.file_size > self._limits.max_xml_bytes:
            raise PackageTooLarge(f"'{name}' is larger than {self._limits.max_xml_bytes} bytes "
                                  "(LRS_PACKAGE_MAX_XML_BYTES)")
        with self.open(name) as stream:
            return stream.read()

    def open(self, name: str) -> BinaryIO:
        info = self._members[name]
        try:
            return _CountedMember(self, name, self._zip.open(info))
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, ValueError, EOFError) as error:
            raise InvalidPackage(f"zip member '{name}' cannot be read ({error})", rule=ZIP_RULE, file=name) from None

    def _count(self, name: str, read_so_far: int, delta: int) -> None:
        limits = self._limits
        self._inflated_total += delta
        if read_so_far > limits.max_file_bytes:
            raise PackageTooLarge(f"zip member '{name}' inflates past {limits.max_file_bytes} bytes "
                                  "(LRS_PACKAGE_MAX_FILE_BYTES)")
        if self._inflated_total > limits.max_total_bytes:
            raise PackageTooLarge(f"the zip inflates past {limits.max_total_bytes} bytes "
                                  "(LRS_PACKAGE_MAX_TOTAL_BYTES)")

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> "ZipPackage":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _CountedMember(io.RawIOBase):
    """A member's inflated bytes, counted against the limits as they are read; a CRC or format error
    is an invalid package, not a 500."""

    def __init__(self, package: ZipPackage, name: str, stream):
        self._package = package
        self._name = name
        self._stream = stream
        self._read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            data = self._stream.read(len(buffer))
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
            raise InvalidPackage(f"zip member '{self._name}' is corrupt ({error})", rule=ZIP_RULE,
                                 file=self._name) from None
        except Exception as error:  # zlib.error, lzma.LZMAError: malformed compressed data
            raise InvalidPackage(f"zip member '{self._name}' is corrupt ({error})", rule=ZIP_RULE,
                                 file=self._name) from None
        self._read += len(data)
        self._package._count(self._name, self._read, len(data))
        buffer[:len(data)] = data
        return len(data)

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            chunks = []
            while True:
                chunk = self.read(_CHUNK)
                if not chunk:
                    return b"".join(chunks)
                chunks.append(chunk)
        return super().read(size)

    def close(self) -> None:
        self._stream.close()
        super().close()


def bare_xml_name(path: Path) -> str:
    """The package file a bare XML upload stands for, by its root element (cmi5.xml for a cmi5
    courseStructure, imsmanifest.xml for an IMS manifest); InvalidPackage when it is not XML."""
    parser_options = dict(events=("start",), resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=False)
    try:
        for _event, element in etree.iterparse(str(path), **parser_options):
            local = etree.QName(element).localname
            if local in XML_ROOT_FILES:
                return XML_ROOT_FILES[local]
            raise InvalidPackage(f"an XML course structure's root element is courseStructure (cmi5) or "
                                 f"manifest (SCORM), not '{local}'", rule="cmi5 13.1", file=None)
    except etree.XMLSyntaxError as error:
        raise InvalidPackage(f"the XML is not well formed: {error}", rule="XML 1.0 2.1", file=None) from None
    raise InvalidPackage("the XML body is empty", rule="XML 1.0 2.1", file=None)


@contextmanager
def package_files(upload: Upload, limits: IntakeLimits) -> Iterator[tuple[object, str | None]]:
    """The upload as PackageFiles, and for a bare XML the package file it stands for (None for a zip)."""
    if upload.kind == "zip":
        with ZipPackage(upload.path, limits) as package:
            yield package, None
        return
    name = bare_xml_name(upload.path)
    yield ManifestOnly(name, upload.path.read_bytes()), name


def copy_member(source: BinaryIO, target: BinaryIO) -> None:
    shutil.copyfileobj(source, target, _CHUNK)
