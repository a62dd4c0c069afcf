"""Files: reading a digest file safely (a regular file, without blocking, within a size limit),
and writing our own files (atomically, in folders only their owner may enter). Pure Python."""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Callable
from typing import BinaryIO

from digesttui.model import Digest

FILE_LIMIT = 16 * 2**20
"""Bytes above which a file is not read as a digest (the config's `max_file_mb`)."""


def read_bytes(path: str, limit: int = FILE_LIMIT) -> tuple[bytes, os.stat_result] | str:
    """A file's bytes and stat result, else why it cannot be read. Only a regular file is read,
    and at most `limit` bytes of it: it is opened without blocking (a FIFO put where a digest was
    would otherwise hold the reader forever), then checked."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # (checked before `open`, which raises for a folder)
            return f"not read: it is {file_kind(st.st_mode)}, not a regular file"
        if st.st_size > limit:
            return too_big(st.st_size, limit)
        with open(fd, "rb", closefd=False) as f:
            data = f.read(limit + 1)
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    finally:
        os.close(fd)
    if len(data) > limit:  # it grew while being read
        return too_big(len(data), limit)
    return data, st


def read_digest(path: str, st: os.stat_result | None = None, limit: int = FILE_LIMIT) -> Digest:
    """Read and parse one file; a file that cannot be read is a digest with an error."""
    from digesttui.parse import parse_digest, unreadable  # YAML and friends: loaded with the first digest

    read = read_bytes(path, limit)
    if isinstance(read, str):
        return unreadable(path, read, mtime_ns=st.st_mtime_ns if st else 0)
    data, st = read
    return parse_digest(data, path, mtime_ns=st.st_mtime_ns, size=st.st_size)


def read_body(path: str, limit: int = FILE_LIMIT) -> str:
    """A digest file's body (front matter left out) as Markdown, safe to show; or why not."""
    from digesttui.parse import body_of

    read = read_bytes(path, limit)
    if isinstance(read, str):
        return f"*This file {read}.*"
    return body_of(read[0])


def too_big(size: int, limit: int) -> str:
    return f"not read: it is {size / 2**20:,.1f} MB, over the {limit / 2**20:g} MB limit for a digest (max_file_mb)"


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    kinds: tuple[tuple[Callable[[int], bool], str], ...] = (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a folder"),
    )
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def private_folder(folder: str) -> None:
    """Create a folder that only its owner may enter (0700); make an existing one of ours so."""
    os.makedirs(folder, mode=0o700, exist_ok=True)
    st = os.stat(folder)
    if st.st_uid == _uid() and stat.S_IMODE(st.st_mode) & 0o077:
        os.chmod(folder, 0o700)


def owned_privately(path: str) -> bool:
    """Whether a file and its folder are this user's, and nobody else may write to them."""
    try:
        return all(
            (st := os.stat(p)).st_uid == _uid() and not st.st_mode & 0o022 for p in (path, os.path.dirname(path))
        )
    except OSError:
        return False


def _uid() -> int:
    return os.getuid() if hasattr(os, "getuid") else 0


def atomic_write(path: str, data: bytes | Callable[[BinaryIO], object]) -> None:
    """Write a file (bytes, or what a function writes) so that a crash at any moment leaves the
    old or the new content, whole: a temporary file, fsync, rename, fsync of the folder. The
    folder is created private (0700)."""
    folder = os.path.dirname(path) or "."
    private_folder(folder)
    tmp = f"{path}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        with open(tmp, "wb") as f:
            if isinstance(data, bytes):
                f.write(data)
            else:
                data(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
