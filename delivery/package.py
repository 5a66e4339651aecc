"""What a standard sees of an uploaded package, and the errors intake and parsing raise.

Intake (delivery/intake.py) has already refused hostile zips by the time a standard sees a package:
every name is relative, '/'-separated, normalised, unique, and no member is a link."""
from __future__ import annotations

from typing import BinaryIO, Protocol


class InvalidPackage(Exception):
    """400 `invalid_package` (launch-api.md, Courses): the package breaks a requirement of its specification.

    `rule` names the requirement ("SCORM CAM 3.4.1.3", "cmi5 14.1.0.0-2"); `file` is the package file at
    fault, or None."""

    def __init__(self, message: str, *, rule: str, file: str | None = None):
        super().__init__(message)
        self.message = message
        self.rule = rule
        self.file = file


class PackageTooLarge(Exception):
    """413: a package over a size, count or compression-ratio limit (zip bombs included)."""


class UnsupportedPackageType(Exception):
    """415: a media type that is neither a zip nor XML."""


class PackageFiles(Protocol):
    """The files of one package, by member name ("scos/page 1.html"), case-sensitive."""

    @property
    def names(self) -> frozenset[str]:
        """Every file member (directories are not listed)."""

    def read(self, name: str) -> bytes:
        """The bytes of one member; KeyError when absent. For manifests and other small files."""

    def open(self, name: str) -> BinaryIO:
        """A binary stream of one member; KeyError when absent."""


class ManifestOnly:
    """A package that is a bare manifest file (`lrs courses inspect imsmanifest.xml`, a bare cmi5.xml
    upload): the standard checks the manifest alone, with no file-presence rules."""

    def __init__(self, name: str, content: bytes):
        self._name = name
        self._content = content

    @property
    def names(self) -> frozenset[str]:
        return frozenset({self._name})

    def read(self, name: str) -> bytes:
        if name != self._name:
            raise KeyError(name)
        return self._content

    def open(self, name: str):
        import io
        return io.BytesIO(self.read(name))
