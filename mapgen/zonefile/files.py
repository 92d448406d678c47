"""Find and read the zone files in a folder, safely.

Only regular files are read, and never more than the size cap: a link to
``/dev/zero``, a FIFO or a folder named ``x.yaml`` is reported as a problem of
its own, not read. Hidden files and editors' leftovers (``.#x.yaml`` lock
links, ``x.yaml~`` backups, ``#x.yaml#`` autosaves) are not zone files.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

SUFFIXES = (".yaml", ".yml")
# The bibliography the zone files cite by key: beside them, but no agreement.
BIBLIOGRAPHY = "sources.yaml"
_FOLDER = (
    "this is a folder, not a zone file; rename it so that its name does not end in "
    ".yaml or .yml"
)


@dataclass(frozen=True)
class FileKind:
    """One kind of data file: what problems call it, the most bytes it may have,
    and what to do when it has more."""

    name: str
    max_bytes: int
    advice: str

    def too_big(self, size: int, *, grew: bool = False) -> str:
        what = "grew past" if grew else f"is {size:,} bytes; {self.name} may be at most"
        return f"the file {what} {self.max_bytes:,} bytes ({self.advice})"


# The one size limit of each kind of file, checked where the file is read (and
# stated in the README's "Errors").
ZONE_FILE = FileKind(
    "zone files", 256 * 1024, "split the agreement or shorten its notes"
)
CONTROL_FILE = FileKind(
    "control files", 1024 * 1024, "split the front into two control files"
)
BIBLIOGRAPHY_FILE = FileKind(
    "the bibliography (sources.yaml)",
    512 * 1024,
    "shorten its notes; every entry needs only publisher, title, date and url",
)


class UnreadableFileError(Exception):
    """A data file that cannot be read; the message is a full sentence."""


def is_data_file_name(name: str) -> bool:
    """Whether a file name is one of a zone folder's data files."""
    if name.startswith((".", "_", "#", "~")) or name.endswith(("~", "#")):
        return False
    return name.lower().endswith(SUFFIXES)


def data_files(
    directory: Path, reserved: tuple[str, ...] = (BIBLIOGRAPHY,)
) -> list[Path]:
    """The data file names in ``directory``, sorted; whatever they point at.
    Files with a ``reserved`` name (by default the bibliography,
    ``sources.yaml``) are read on their own, not as one of them."""
    return sorted(
        directory / name
        for name in os.listdir(directory)
        if is_data_file_name(name) and name not in reserved
    )


def read_capped(path: Path, kind: FileKind) -> bytes:
    """The file's bytes; raise UnreadableFileError for anything that is not a
    regular file of at most ``kind.max_bytes`` bytes that can be read."""
    cap = kind.max_bytes
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        if path.is_symlink():
            raise UnreadableFileError(
                f"this is a link to {os.readlink(path)}, which does not exist; "
                "remove the link or the file it should point to"
            ) from None
        raise UnreadableFileError(
            "this file disappeared while it was being read"
        ) from None
    except IsADirectoryError:
        raise UnreadableFileError(_FOLDER) from None
    except OSError as exc:
        raise UnreadableFileError(_cannot_read(exc)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UnreadableFileError(_FOLDER)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFileError(
                f"this is {_kind(info.st_mode)}, not a regular file; {kind.name} "
                "must be plain text files"
            )
        if info.st_size > cap:
            raise UnreadableFileError(kind.too_big(info.st_size))
        chunks: list[bytes] = []
        size = 0
        while size <= cap:
            chunk = os.read(fd, cap + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > cap:
            raise UnreadableFileError(kind.too_big(size, grew=True))
        return b"".join(chunks)
    except OSError as exc:
        raise UnreadableFileError(_cannot_read(exc)) from None
    finally:
        os.close(fd)


def _cannot_read(exc: OSError) -> str:
    reason = os.strerror(exc.errno) if exc.errno else str(exc)
    if exc.errno in (errno.EACCES, errno.EPERM):
        return (
            f"this file cannot be read ({reason}); give yourself read permission, "
            "e.g. chmod u+r"
        )
    return f"this file cannot be read ({reason})"


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def display_path(path: Path) -> str:
    """A path as problems name it: relative to the current folder where it can be."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
