"""examples/ehr_notebook.ipynb runs end to end, scaled down (CLINICAL_SFT_SMOKE=1)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "ehr_notebook.ipynb"


def test_ehr_notebook_runs_scaled_down(tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    monkeypatch.setenv("CLINICAL_SFT_SMOKE", "1")
    monkeypatch.setenv("CLINICAL_SFT_NB_OUT", str(tmp_path / "runs"))
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute(env=dict(os.environ))
    for name in ("classify", "classify_dp", "phi_ner", "phi_ner_dp"):
        assert (tmp_path / "runs" / name / "run.json").is_file(), name
        assert (tmp_path / "runs" / name / "model_card.md").is_file(), name
    outputs = "".join(str(o.get("data", o.get("text", ""))) for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "epsilon spent" in outputs and "Traceback" not in outputs
