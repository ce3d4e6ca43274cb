"""The reviewer notebooks run top to bottom on the seeds (no network) and are committed without outputs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_three_notebooks():
    assert [p.name for p in NOTEBOOKS] == [
        "01-quickstart.ipynb",
        "02-figure-survival.ipynb",
        "03-alignment-explorer.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path: Path):
    nbformat = pytest.importorskip("nbformat")
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: strip outputs (nbstripout)"


# Run in a process of its own: the kernel's client then shares no state with the tests before it (in the whole
# suite, a client in the pytest process twice waited forever on a kernel that had gone idle), and a hang becomes a
# failure after EXECUTION_SECONDS instead of a stalled suite.
EXECUTION_SECONDS = 900
EXECUTE = """
import sys
import nbclient, nbformat
notebook = nbformat.read(sys.argv[1], as_version=4)
nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": sys.argv[2]}},
                        shutdown_kernel="immediate").execute()
nbformat.write(notebook, sys.argv[3])
"""


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes(path: Path, tmp_path):
    nbformat = pytest.importorskip("nbformat")
    pytest.importorskip("nbclient", reason="pip install nbclient ipykernel (test extra)")
    env = {**os.environ, "ALIGN_CACHE_DIR": str(tmp_path / "cache"), "HF_HUB_OFFLINE": "1"}
    env.pop("MPLBACKEND", None)  # the kernel's inline backend turns every figure into a PNG
    executed = tmp_path / path.name
    done = subprocess.run(
        [sys.executable, "-c", EXECUTE, str(path), str(path.parent), str(executed)],
        env=env,
        capture_output=True,
        text=True,
        timeout=EXECUTION_SECONDS,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    notebook = nbformat.read(executed, as_version=4)
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any(o.output_type in ("display_data", "execute_result") for o in outputs)
    charts = [cell for cell in notebook.cells if cell.cell_type == "code" and "plt." in cell.source]
    for cell in charts:
        images = [o for o in cell.outputs if "image/png" in o.get("data", {})]
        assert images, f"{path.name}: the chart cell shows no image:\n{cell.source[:200]}"
    if path.stem.startswith("02"):
        assert len(charts) >= 1
    if path.stem.startswith("03"):
        assert len(charts) >= 2, "the similarity heatmap and the word-alignment matrix"
    if path.stem.startswith("01"):
        html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
        assert any("srcdoc=" in h and "Issues (" in h for h in html), "the report shows inline with its issue list"
        assert any('class="align-findings"' in h for h in html), "result.problems() shows the issue list"
