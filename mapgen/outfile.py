"""Writing a result to the file a user named with ``-o``: whole or not at all,
and never by replacing something that is not a regular file.

A regular file (or a new name) is written beside its target and renamed into
place, so that a failure never leaves half a file. A character device or a
FIFO (``/dev/null``, ``/dev/stdout``, a named pipe) is written directly, as a
shell's ``>`` would; renaming over it would put a regular file where the device
was. Anything else (a folder, a socket, a block device) is refused. A symbolic
link is followed: the file it names is written, and the link stays a link.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

from mapgen.errors import UsageError


def target_of(path: Path) -> Path:
    """The path a write to ``path`` lands on (symbolic links followed), after
    checking that it is somewhere a result may be written."""
    real = Path(os.path.realpath(path))
    info = _stat(real)
    if info is not None and not _writable_kind(info.st_mode):
        raise UsageError(f"{path} is {_kind(info.st_mode)}; give a file name.")
    if info is None and not real.parent.is_dir():
        raise UsageError(f"The folder {path.parent} does not exist.")
    return real


def write_output(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path``: through a temporary file and a rename for a
    regular file, directly for a device or a FIFO."""
    real = target_of(path)
    info = _stat(real)
    if info is not None and not stat.S_ISREG(info.st_mode):
        _write_direct(path, real, info.st_mode, data)
        return
    tmp = real.parent / f".{real.name}.mapgen-{os.getpid()}.tmp"
    try:
        tmp.write_bytes(data)
        if info is not None:
            os.chmod(tmp, stat.S_IMODE(info.st_mode))
        os.replace(tmp, real)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def place(made: Path, path: Path) -> None:
    """Put the finished file ``made`` where ``path`` names, by the rules of
    :func:`write_output`; ``made`` is gone afterwards."""
    real = target_of(path)
    info = _stat(real)
    if info is None or stat.S_ISREG(info.st_mode):
        if info is not None:
            os.chmod(made, stat.S_IMODE(info.st_mode))
        try:
            os.replace(made, real)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            write_output(path, made.read_bytes())
            made.unlink()
        return
    _write_direct(path, real, info.st_mode, made.read_bytes())
    made.unlink()


def _stat(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None


def _writable_kind(mode: int) -> bool:
    return stat.S_ISREG(mode) or stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISSOCK(mode):
        return "a socket, which mapgen does not write to"
    if stat.S_ISBLK(mode):
        return "a block device (a disk), which mapgen does not write to"
    return "not a regular file, a device or a pipe"


def _write_direct(shown: Path, real: Path, mode: int, data: bytes) -> None:
    flags = os.O_WRONLY | os.O_NOCTTY
    if stat.S_ISFIFO(mode):
        # Opening a FIFO for writing waits for a reader; with none, say so
        # rather than hang.
        flags |= os.O_NONBLOCK
    try:
        fd = os.open(real, flags)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise UsageError(
                f"{shown} is a named pipe that no program is reading; start the "
                "reader first, or give a file name."
            ) from None
        raise
    try:
        os.set_blocking(fd, True)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)
