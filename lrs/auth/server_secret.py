"""The server secret: it signs `more` cursors and, unless LRS_TOKEN_KEYS is set, OAuth access tokens.

It is never a value anyone else knows: LRS_SECRET_KEY when set (at least 32 characters, not a published
default), else a random secret made on first start and kept in the data directory, so that restarts and
every server process sign and verify alike (docs/security.md).
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

MIN_SECRET_LENGTH = 32
SECRET_FILE_NAME = "secret_key"
# Values once shipped as defaults or in examples: anyone can sign with them.
PUBLISHED_SECRETS = frozenset({"dev-only-secret-change-me", "change-me", "secret", "test-secret"})


class UnsafeSecret(ValueError):
    """No secret fit to sign with (one anyone could know, or none that can be kept): the server must not start."""


def checked_secret(value: str, setting: str) -> str:
    """`value` if it is fit to sign with, else UnsafeSecret naming `setting` (never the value)."""
    if value in PUBLISHED_SECRETS:
        raise UnsafeSecret(f"{setting} is a published default that anyone can sign with; set a random value "
                           f"of at least {MIN_SECRET_LENGTH} characters, or leave LRS_SECRET_KEY unset to "
                           f"have one generated and kept in LRS_DATA_DIR")
    if len(value) < MIN_SECRET_LENGTH:
        raise UnsafeSecret(f"{setting} is {len(value)} characters long; it needs at least {MIN_SECRET_LENGTH} "
                           f"random characters (python -c 'import secrets; print(secrets.token_urlsafe(48))')")
    return value


def load_or_create_secret(data_dir: Path) -> tuple[str, str]:
    """(secret, where it came from). Made once, readable by this user only; racing processes all read the
    first one written, since it appears under its name only complete (a hard link of a written file)."""
    path = Path(os.path.abspath(data_dir / SECRET_FILE_NAME))  # logged: an absolute path says which file
    if os.path.lexists(path):
        _check_directory(data_dir)
        return _read(path), f"kept in {path}"
    draft = data_dir / f".{SECRET_FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}"
    try:
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        _check_directory(data_dir)
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        raise UnsafeSecret(f"cannot keep a generated secret in {data_dir} ({error.strerror}); make LRS_DATA_DIR "
                           f"writable or set LRS_SECRET_KEY") from error
    try:
        with os.fdopen(descriptor, "w") as draft_file:
            draft_file.write(secrets.token_urlsafe(48) + "\n")
            draft_file.flush()
            os.fsync(draft_file.fileno())
        try:
            os.link(draft, path)  # fails if another process got there first: then its secret is the one
            made_here = True
        except FileExistsError:
            made_here = False
    finally:
        draft.unlink()
    return _read(path), ("generated and kept in " if made_here else "kept in ") + str(path)


def _check_directory(data_dir: Path) -> None:
    """Whoever can write the directory can swap the file: only this user may."""
    status = os.stat(data_dir)
    if status.st_uid != os.geteuid():
        raise UnsafeSecret(f"{data_dir} is owned by another user; the server secret is kept only in a "
                           f"directory this user owns")
    if status.st_mode & 0o022:
        raise UnsafeSecret(f"{data_dir} is writable by other users; make it private (chmod 700 {data_dir})")


def _read(path: Path) -> str:
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as error:
        if os.path.islink(path):
            raise UnsafeSecret(f"{path} is a symbolic link; the server secret must be a regular file") from error
        raise UnsafeSecret(f"cannot read {path} ({error.strerror})") from error
    with os.fdopen(descriptor) as secret_file:
        status = os.fstat(secret_file.fileno())
        if status.st_uid != os.geteuid():
            raise UnsafeSecret(f"{path} is owned by another user; the server secret must be this user's file")
        if status.st_mode & 0o077:
            raise UnsafeSecret(f"{path} may be read by other users; make it private (chmod 600 {path})")
        return checked_secret(secret_file.read().strip(), str(path))
