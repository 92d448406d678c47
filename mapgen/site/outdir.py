"""The site folder: which folders ``--out`` may name, and swapping a finished
site in for the previous one without a moment where neither is there.

A site that mapgen built carries a stamp file listing every file it wrote.
Only such a folder (or a new or empty one) is replaced, and only when it holds
nothing but what that stamp lists, so no command deletes or moves a file that
mapgen did not write.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

from mapgen.errors import UsageError

STAMP = ".mapgen-site.json"
_GENERATOR = "mapgen: Atlas of Syria's ceasefire and de-escalation zones"


def check_out(out: Path, *, protected: dict[str, Path]) -> None:
    """Refuse an ``--out`` that a build could not replace without destroying
    something: raise UsageError with one sentence, touching nothing."""
    target = out.resolve()
    cwd = Path.cwd().resolve()
    shown = str(out)
    if target == Path(target.anchor):
        raise UsageError(
            f"--out {shown} is the root folder; give a folder for the site."
        )
    if target == cwd or target in cwd.parents:
        raise UsageError(
            f"--out {shown} is the current folder or a folder that contains it; "
            "give a new folder for the site, e.g. --out output."
        )
    for what, folder in protected.items():
        kept = folder.resolve()
        if target == kept or kept in target.parents or target in kept.parents:
            raise UsageError(
                f"--out {shown} is, contains or lies inside the {what} ({folder}); "
                "give a folder of its own for the site."
            )
    if target.exists() and not target.is_dir():
        raise UsageError(
            f"--out {shown} is an existing file; give a folder for the site."
        )
    if target.is_dir():
        _check_replaceable(target, shown)


def _check_replaceable(site: Path, shown: str) -> None:
    try:
        names = os.listdir(site)
    except OSError as exc:
        raise UsageError(
            f"--out {shown} cannot be read ({os.strerror(exc.errno or 0)})."
        ) from None
    if not names:
        return
    listed = _stamped_files(site)
    if listed is None:
        raise UsageError(
            f"--out {shown} is a folder that holds files and was not built by "
            "mapgen; give a new or empty folder, or one that mapgen built."
        )
    foreign = sorted(
        str(p.relative_to(site))
        for p in site.rglob("*")
        if not p.is_dir() and str(p.relative_to(site)) not in listed
    )
    if foreign:
        more = f" and {len(foreign) - 3} more" if len(foreign) > 3 else ""
        raise UsageError(
            f"--out {shown} holds files that mapgen did not write "
            f"({', '.join(foreign[:3])}{more}); move them elsewhere first, so that "
            "replacing the site does not delete them."
        )


def read_stamp(site: Path) -> dict[str, object] | None:
    """The stamp of a site mapgen built, or None."""
    try:
        stamp = json.loads((site / STAMP).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stamp, dict) or stamp.get("generator") != _GENERATOR:
        return None
    return stamp


def _stamped_files(site: Path) -> set[str] | None:
    """The files a mapgen build wrote into ``site``, from its stamp; None if it
    has no readable stamp."""
    stamp = read_stamp(site)
    if stamp is None:
        return None
    files = stamp.get("files")
    if not isinstance(files, list):
        return None
    return {str(f) for f in files} | {STAMP}


def write_stamp(site: Path, files: list[str], **meta: object) -> None:
    """List the files a build wrote (and facts such as the key of what its
    downloads were made from) in the site's stamp."""
    data: dict[str, object] = {"generator": _GENERATOR, "files": sorted(files), **meta}
    (site / STAMP).write_text(json.dumps(data, indent=0) + "\n", "utf-8")


@contextlib.contextmanager
def locked(parent: Path) -> Iterator[None]:
    """Hold an exclusive lock on the site's parent folder, so that builds into
    it queue one behind another."""
    fd = os.open(parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def building_dir(out: Path) -> Path:
    """A new folder beside ``out`` to write the site into, named for this process."""
    tmp = out.parent / f".{out.name}.building-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)  # a leftover of an earlier build of ours
    tmp.mkdir(mode=0o755)
    return tmp


def remove_stale(out: Path) -> None:
    """Remove the temporary folders of builds into ``out`` whose process is gone
    (killed with SIGKILL, or by a power cut). Call with the lock held."""
    pattern = re.compile(
        rf"^\.{re.escape(out.name)}\.(building|old)-(\d+|[a-z0-9_]{{8}})$"
    )
    for entry in out.parent.iterdir():
        found = pattern.match(entry.name)
        if not found or not entry.is_dir() or entry.is_symlink():
            continue
        owner = found.group(2)
        if owner.isdigit() and _alive(int(owner)) and int(owner) != os.getpid():
            continue
        shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux's renameat2); False where the system
    or file system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    done = renameat2(
        _AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE
    )
    if done == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def swap_in(tmp: Path, out: Path) -> None:
    """Put the finished site ``tmp`` in place of ``out``. Where the system
    allows it the two are exchanged in one step, so that ``out`` never goes
    missing; the previous site is then removed."""
    if not out.exists():
        os.rename(tmp, out)
        return
    if _exchange(tmp, out):
        _remove_site(tmp)
        return
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    os.rename(out, old)
    try:
        os.rename(tmp, out)
    except BaseException:
        os.rename(old, out)
        raise
    _remove_site(old)


def _remove_site(site: Path) -> None:
    """Remove a previous site: by the checks before the build, it holds only
    files mapgen wrote (or is empty)."""
    shutil.rmtree(site, ignore_errors=True)
