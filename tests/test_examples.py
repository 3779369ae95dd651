"""Every gallery example runs headless, to the end, and draws at least one figure.

Each example runs in its own process, as a user would run it (``python
examples/plot_x.py``), with the Agg backend. The examples are kept small so
the whole gallery runs in about a minute; ``tests/test_docs.py`` builds the
gallery pages without running them again.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import sklandscape

REPOSITORY = Path(sklandscape.__file__).resolve().parents[1]
EXAMPLES = sorted((REPOSITORY / "examples").glob("plot_*.py"))

# Runs the example as __main__ (its `if __name__ == "__main__":` blocks too), then
# reports how many figures are open.
DRIVER = """
import runpy, sys
import matplotlib.pyplot as plt
runpy.run_path(sys.argv[1], run_name="__main__")
print("open figures:", len(plt.get_fignums()))
"""


def test_the_gallery_has_its_examples():
    expected = {
        "plot_choose_k",
        "plot_dask_scale_out",
        "plot_explore_function",
        "plot_free_energy_landscape",
        "plot_gp_landscape",
        "plot_gridsearch_landscape_scorer",
        "plot_kmeans_landscape",
        "plot_landscape_ensemble",
        "plot_mlp_heat_capacity",
    }
    assert expected <= {path.stem for path in EXAMPLES}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_example_runs_headless(path, tmp_path):
    env = {
        **os.environ,
        "MPLBACKEND": "Agg",
        "PYTHONPATH": os.pathsep.join([str(REPOSITORY), os.environ.get("PYTHONPATH", "")]),
    }
    result = subprocess.run(
        [sys.executable, "-c", DRIVER, str(path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    figures = int(result.stdout.rsplit("open figures:", 1)[1])
    assert figures >= 1, f"{path.name} drew no figure"
