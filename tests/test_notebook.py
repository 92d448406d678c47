"""Issue 10: the notebook in docs/ runs from top to bottom, so it never rots."""

from __future__ import annotations

import nbformat
from conftest import ROOT
from nbclient import NotebookClient


def test_the_notebook_runs_and_shows_what_it_says() -> None:
    nb = nbformat.read(ROOT / "docs" / "atlas.ipynb", as_version=4)
    NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(ROOT)}},
    ).execute()
    outputs = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
    ]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "\n".join(
        str(o.get("data", {}).get("text/plain", ""))
        + str(o.get("data", {}).get("text/html", ""))
        for o in outputs
    )
    assert "Idlib de-escalation zone" in text
    assert "8 agreements" in text
    assert "zones" in text and "MultiPolygon" in text
