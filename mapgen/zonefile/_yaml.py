"""Strict YAML reading that keeps every value's line and column.

Zone files are parsed to PyYAML nodes, never to Python objects directly: that
keeps marks for messages, rejects anchors and aliases (no "billion laughs"),
and leaves typing to the loader, so ``no`` or ``0123`` are never silently
turned into ``False`` or 83.
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from mapgen.errors import Mark, Problem
from mapgen.model import Source
from mapgen.zonefile.files import ZONE_FILE, FileKind

# Zone files nest a few levels deep; far deeper nesting is an attack on the
# parser (libyaml's composer recurses and can exhaust the C stack).
MAX_DEPTH = 64
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NULLS = ("null", "~", "")
# Dates in the data are about the Syrian war: from its start to today.
FIRST_DAY = dt.date(2011, 3, 15)
# Editors break lines at LF, CRLF and a lone CR, never at U+2028 or U+0085.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class _Refused(yaml.MarkedYAMLError):
    pass


# libyaml's parser when PyYAML was built with it (the PyPI wheels are).
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _compose(text: str) -> Node | None:
    """Refuse anchors, aliases and deep nesting from the event stream, before
    anything is composed, so that no alias is ever expanded and the composer
    never recurses deeply; then compose the nodes.

    libyaml has nesting limits of its own (1,000 levels in PyYAML 6.0.4) and
    refuses such text in its scanner before any event reaches the guard. So when
    libyaml refuses, the guard runs again on PyYAML's pure-Python parser, which
    has no such limit and no recursion, and the project's sentence is the one
    reported whenever the text is too deep for it."""
    try:
        _guard(yaml.parse(text, Loader=_LOADER))
    except yaml.MarkedYAMLError as exc:
        if isinstance(exc, _Refused) or _LOADER is yaml.SafeLoader:
            raise
        mark = exc.problem_mark or exc.context_mark
        _guard(
            yaml.parse(text, Loader=yaml.SafeLoader),
            until=mark.index if mark is not None else None,
        )
        raise
    node: Node | None = yaml.compose(text, Loader=_LOADER)
    return node


def _guard(events: Iterable[yaml.Event], until: int | None = None) -> None:
    """Raise _Refused at the first anchor, alias or collection nested more than
    MAX_DEPTH levels; stop quietly at index ``until`` or at any YAML error,
    which the caller reports."""
    depth = 0
    try:
        for event in events:
            start = event.start_mark
            if until is not None and start is not None and start.index > until:
                return
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise _Refused(
                    problem=(
                        "YAML anchors and aliases (&name, *name) are not allowed in "
                        "zone files; write the value out in full"
                    ),
                    problem_mark=event.start_mark,  # type: ignore[arg-type]
                )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _Refused(
                        problem=(
                            f"lists and mappings are nested more than {MAX_DEPTH} "
                            "levels deep here; zone files need only a few levels"
                        ),
                        problem_mark=event.start_mark,  # type: ignore[arg-type]
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except _Refused:
        raise
    except yaml.YAMLError:
        if until is None:
            raise


@dataclass
class Reader:
    """Collects problems for one file while values are read from its nodes."""

    path: str
    problems: list[Problem] = field(default_factory=list)
    # What kind of file this is, for its size limit and how problems name it.
    kind: FileKind = ZONE_FILE
    today: dt.date = field(default_factory=dt.date.today)
    # The bibliography (zones/sources.yaml) by key, for citations by key.
    sources: dict[str, Source] = field(default_factory=dict)
    # Set when the bibliography is there but could not be read: its own problem
    # is reported once, and citations by key are not checked against it.
    bibliography_unreadable: bool = False
    _line_starts: list[int] = field(default_factory=lambda: [0])

    def mark(self, node: Node) -> Mark:
        return self.at(node.start_mark.index)

    def at(self, index: int) -> Mark:
        """The place of the character at ``index`` as an editor shows it:
        lines split at LF, CRLF or CR, columns counted in characters."""
        line = bisect.bisect_right(self._line_starts, index)
        return Mark(self.path, line, index - self._line_starts[line - 1] + 1)

    def error(self, node: Node | Mark, message: str) -> None:
        mark = node if isinstance(node, Mark) else self.mark(node)
        self.problems.append(Problem(mark, message))

    # -- parsing ---------------------------------------------------------------

    def parse(self, data: bytes) -> Node | None:
        if len(data) > self.kind.max_bytes:
            self.error(Mark(self.path, 1, 1), self.kind.too_big(len(data)))
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            text = data[: exc.start].decode("utf-8")
            self._line_starts = _line_starts(text)
            self.error(
                self.at(len(text)),
                f"byte 0x{data[exc.start]:02x} is not valid UTF-8; save the file as "
                "UTF-8",
            )
            return None
        self._line_starts = _line_starts(text)
        try:
            node = _compose(text)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = self.at(mark.index) if mark is not None else Mark(self.path, 1, 1)
            what = exc.problem or "invalid YAML"
            if exc.context and not isinstance(exc, _Refused):
                what = f"{exc.context}, {what}"
            if "block" in what:
                what += "; check that this line is indented like the lines around it"
            self.error(where, f"YAML syntax error: {what}")
            return None
        except yaml.reader.ReaderError as exc:
            # libyaml reports a byte offset into the UTF-8 text, PyYAML's own
            # reader a character offset.
            index = (
                len(data[: exc.position].decode("utf-8", errors="ignore"))
                if _LOADER is not yaml.SafeLoader
                else exc.position
            )
            self.error(
                self.at(index),
                f"the character U+{exc.character:04X} is not allowed in a YAML file; "
                "remove it (it is often left by copying from a PDF or a word processor)",
            )
            return None
        except yaml.YAMLError as exc:
            first_line = str(exc).splitlines()[0] if str(exc) else "invalid YAML"
            self.error(Mark(self.path, 1, 1), f"YAML syntax error: {first_line}")
            return None
        if node is None:
            self.error(Mark(self.path, 1, 1), "the file is empty; expected a mapping")
        return node

    # -- shapes ----------------------------------------------------------------

    def mapping(
        self,
        node: Node,
        what: str,
        *,
        required: Iterable[str],
        optional: Iterable[str] = (),
    ) -> dict[str, Node] | None:
        """Check keys: duplicates, unknown ones (with a suggestion), missing ones."""
        if not isinstance(node, MappingNode):
            self.error(
                node,
                f"{what} should be a mapping of keys to values, found {_shape(node)}",
            )
            return None
        required = list(required)
        allowed = required + list(optional)
        out: dict[str, Node] = {}
        for key_node, value in node.value:
            if not isinstance(key_node, ScalarNode):
                self.error(
                    key_node,
                    f"a key in {what} should be a plain name, found {_shape(key_node)}",
                )
                continue
            key = key_node.value
            if key in out:
                self.error(
                    key_node,
                    f"duplicate key '{key}' in {what}; each key may appear once",
                )
                continue
            if key not in allowed:
                self.error(
                    key_node,
                    f"unknown key '{key}' in {what}{did_you_mean(key, allowed)}; expected one of: {', '.join(allowed)}",
                )
                continue
            out[key] = value
        missing = [k for k in required if k not in out]
        if missing:
            self.error(
                node,
                f"{what} is missing required key{'s' if len(missing) > 1 else ''} {', '.join(repr(k) for k in missing)}",
            )
        return out

    def sequence(
        self, node: Node, what: str, *, allow_empty: bool = True
    ) -> list[Node]:
        if not isinstance(node, SequenceNode):
            self.error(node, f"{what} should be a list, found {_shape(node)}")
            return []
        if not allow_empty and not node.value:
            self.error(
                node, f"{what} should list at least one entry, found an empty list"
            )
        return list(node.value)

    def text(self, node: Node, what: str) -> str | None:
        if not isinstance(node, ScalarNode) or self.is_null(node):
            self.error(node, f"{what} should be text, found {_shape(node)}")
            return None
        value = str(node.value).strip()
        if not value:
            self.error(node, f"{what} should not be empty")
            return None
        return value

    def texts(self, node: Node, what: str, *, allow_empty: bool = True) -> list[str]:
        out = []
        for item in self.sequence(node, what, allow_empty=allow_empty):
            value = self.text(item, f"an entry of {what}")
            if value is not None:
                out.append(value)
        return out

    def is_null(self, node: Node) -> bool:
        return isinstance(node, ScalarNode) and _plain(node) and node.value in NULLS

    def date(self, node: Node, what: str) -> dt.date | None:
        if not isinstance(node, ScalarNode) or self.is_null(node):
            self.error(
                node,
                f"{what} should be a date written YYYY-MM-DD, found {_shape(node)}",
            )
            return None
        raw = str(node.value).strip()
        if not _DATE.match(raw):
            self.error(
                node, f"{what} should be a date written YYYY-MM-DD, found '{raw}'"
            )
            return None
        try:
            day = dt.date.fromisoformat(raw)
        except ValueError:
            self.error(node, f"{what} '{raw}' is not a real calendar date")
            return None
        if not FIRST_DAY <= day <= self.today:
            self.error(
                node,
                f"{what} {day} is outside the Syrian war as the atlas covers it; "
                f"expected a date from {FIRST_DAY} (the war's start) to today, {self.today}",
            )
            return None
        return day

    def number(
        self,
        node: Node,
        what: str,
        *,
        integer: bool = False,
        minimum: float | None = None,
        maximum: float | None = None,
    ) -> float | None:
        raw = (
            str(node.value).strip().replace("_", "")
            if isinstance(node, ScalarNode)
            else ""
        )
        kind = "a whole number" if integer else "a number"
        try:
            if not isinstance(node, ScalarNode) or not _plain(node):
                raise ValueError
            if len(raw) > 30:
                raise ValueError
            value = float(int(raw)) if integer else float(raw)
        except (ValueError, OverflowError):
            self.error(node, f"{what} should be {kind}, found {_shape(node)}")
            return None
        if value != value or value in (float("inf"), float("-inf")):
            self.error(node, f"{what} should be a finite number, found '{raw}'")
            return None
        if minimum is not None and value < minimum:
            self.error(node, f"{what} should be at least {minimum:g}, found {value:g}")
            return None
        if maximum is not None and value > maximum:
            self.error(node, f"{what} should be at most {maximum:g}, found {value:g}")
            return None
        return value

    def choice(self, node: Node, what: str, choices: Iterable[str]) -> str | None:
        options = list(choices)
        value = self.text(node, what)
        if value is None:
            return None
        if value not in options:
            shown = " ".join(value.split())
            shown = shown if len(shown) <= 60 else shown[:59] + "…"
            self.error(
                node,
                f"{what} '{shown}' is not one of: {', '.join(options)}{did_you_mean(value, options)}",
            )
            return None
        return value


def _line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in _LINE_BREAK.finditer(text))]


def _plain(node: ScalarNode) -> bool:
    """An unquoted scalar (libyaml says '' where the Python parser says None)."""
    return not node.style


def did_you_mean(value: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _shape(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if isinstance(node, ScalarNode):
        if _plain(node) and node.value in NULLS:
            return "nothing (null)"
        shown = node.value if len(node.value) <= 40 else node.value[:37] + "..."
        return f"'{shown}'"
    return "an unknown value"
