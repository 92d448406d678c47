"""Small zone files for tests, written from a valid template."""

from __future__ import annotations

from pathlib import Path

VALID = """\
date: 2017-05-04
title: Test memorandum
parties: [Russia, Turkey]
guarantors: [Russia]
venue: Astana
sources: [002_7e46fb40130ba7bf.txt]
zones:
  - id: test-zone
    name: Test zone
    kind: de-escalation-zone
    governorates: [SY-RD]
    extent:
      include:
        - governorate: SY-RD
          towns: [Duma, Harasta]
          buffer_km: 2
    valid_from: 2017-05-04
    valid_to: 2018-04-14
    fate: retaken
    precision: approximate
    population:
      - value: 400000
        of: people
        sources: [https://example.org/report]
    sources: [002_7e46fb40130ba7bf.txt]
"""


def write(directory: Path, text: str, name: str = "2017-05-04-test.yaml") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} is not in the text")
