"""The kept server secret is trusted only in a file and directory this user alone controls (docs/security.md:
another local user who can plant or swap the file could sign tokens and cursors)."""
from __future__ import annotations

import os
import secrets

import pytest

from lrs.auth.server_secret import SECRET_FILE_NAME, UnsafeSecret, load_or_create_secret

NOBODY = 65534
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="chown to another user needs root")


def _kept(data_dir, value=None):
    data_dir.mkdir(mode=0o700, exist_ok=True)
    path = data_dir / SECRET_FILE_NAME
    path.write_text((value or secrets.token_urlsafe(48)) + "\n")
    path.chmod(0o600)
    return path


@needs_root
def test_a_secret_file_owned_by_another_user_is_refused(tmp_path):
    os.chown(_kept(tmp_path / "data"), NOBODY, NOBODY)
    with pytest.raises(UnsafeSecret, match="owned"):
        load_or_create_secret(tmp_path / "data")


def test_a_secret_file_that_is_a_symlink_is_refused(tmp_path):
    elsewhere = _kept(tmp_path / "elsewhere")
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)
    (data_dir / SECRET_FILE_NAME).symlink_to(elsewhere)
    with pytest.raises(UnsafeSecret, match="symbolic link"):
        load_or_create_secret(data_dir)


def test_a_dangling_symlink_in_place_of_the_secret_is_refused(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)
    (data_dir / SECRET_FILE_NAME).symlink_to(tmp_path / "planted")
    with pytest.raises(UnsafeSecret):
        load_or_create_secret(data_dir)
    assert not (tmp_path / "planted").exists()


@pytest.mark.parametrize("mode", [0o770, 0o707, 0o777])
def test_a_data_dir_others_can_write_is_refused(tmp_path, mode):
    data_dir = tmp_path / "data"
    _kept(data_dir)
    data_dir.chmod(mode)
    with pytest.raises(UnsafeSecret, match="writable"):
        load_or_create_secret(data_dir)


@needs_root
def test_a_data_dir_owned_by_another_user_is_refused(tmp_path):
    data_dir = tmp_path / "data"
    _kept(data_dir)
    os.chown(data_dir, NOBODY, NOBODY)
    with pytest.raises(UnsafeSecret, match="owned"):
        load_or_create_secret(data_dir)


def test_a_private_secret_in_a_private_dir_is_read(tmp_path):
    value = secrets.token_urlsafe(48)
    _kept(tmp_path / "data", value)
    assert load_or_create_secret(tmp_path / "data")[0] == value
