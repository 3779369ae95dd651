"""Figures: the Axes hold the expected artists; no import-time side effects."""

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402

from sklandscape import Landscape  # noqa: E402


@pytest.fixture
def landscape():
    rng = np.random.default_rng(4)
    n = 25
    pairs = np.array([(i, int(rng.integers(0, i))) for i in range(1, n)])
    energy = rng.normal(size=n)
    ts_energy = np.maximum(energy[pairs[:, 0]], energy[pairs[:, 1]]) + rng.exponential(size=n - 1)
    return Landscape.from_arrays(energy, ts_energy, pairs, n_params=3)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_disconnectivity_plot_draws_every_leaf_and_branch(landscape):
    fig, ax = plt.subplots()
    returned = landscape.plot_disconnectivity(ax=ax, n_levels=10)
    assert returned is ax
    tree = landscape.disconnectivity(10)
    (collection,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    n_branches = np.count_nonzero(tree.node_parent >= 0)
    assert len(collection.get_segments()) == n_branches + tree.minima.size
    assert ax.get_ylabel()
    assert ax.get_ylim()[0] < landscape.minima.energy.min()


def test_disconnectivity_plot_colours_a_heat_capacity_peak(landscape):
    peak = landscape.heat_capacity_peaks()[-1]
    ax = landscape.plot_disconnectivity(highlight=peak, label_minima=[0, 1, 2])
    coloured = {c.get_label(): c for c in ax.collections if c.get_label() in ("C+", "C-")}
    assert set(coloured) == {"C+", "C-"}
    assert len(coloured["C+"].get_segments()) == peak.c_plus_minima.size
    assert len(coloured["C-"].get_segments()) == peak.c_minus_minima.size
    np.testing.assert_allclose(coloured["C+"].get_colors()[0], mcolors.to_rgba("tab:blue"))
    np.testing.assert_allclose(coloured["C-"].get_colors()[0], mcolors.to_rgba("tab:red"))
    assert sorted(t.get_text() for t in ax.texts) == ["0", "1", "2"]
    assert ax.get_legend() is not None


def test_disconnectivity_plot_custom_sets_and_energy_range(landscape):
    ax = landscape.plot_disconnectivity(
        highlight={"mine": [3, 4]}, colors={"mine": "green"}, energy_range=(-3.0, 3.0)
    )
    (mine,) = [c for c in ax.collections if c.get_label() == "mine"]
    np.testing.assert_allclose(mine.get_colors()[0], mcolors.to_rgba("green"))
    with pytest.raises(TypeError, match="highlight"):
        landscape.plot_disconnectivity(highlight=[1, 2])


def test_heat_capacity_plot_curves_and_peaks(landscape):
    T = np.geomspace(0.01, 10, 200)
    ax = landscape.plot_heat_capacity(T)
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert {"$C_V$", "$C_+$", "$C_-$", "peaks"} <= set(lines)
    total, plus, minus = landscape.heat_capacity(T, split=True)
    np.testing.assert_allclose(lines["$C_V$"].get_ydata(), total)
    np.testing.assert_allclose(lines["$C_+$"].get_ydata(), plus)
    np.testing.assert_allclose(lines["$C_-$"].get_ydata(), minus)
    peaks = landscape.heat_capacity_peaks(T)
    np.testing.assert_allclose(lines["peaks"].get_xdata(), [p.temperature for p in peaks])
    assert ax.get_xscale() == "log"
    plain = landscape.plot_heat_capacity(T, split=False, peaks=False, ax=plt.subplots()[1])
    assert [line.get_label() for line in plain.get_lines()] == ["$C_V$"]


def test_heat_capacity_plot_of_a_single_minimum():
    ls = Landscape.from_arrays([0.0], [], [], n_params=2)
    ax = ls.plot_heat_capacity()
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), 1.0)


def test_plots_leave_rc_parameters_alone(landscape):
    before = dict(matplotlib.rcParams)
    landscape.plot_disconnectivity()
    landscape.plot_heat_capacity()
    after = dict(matplotlib.rcParams)
    assert {k for k in before if before[k] != after[k]} == set()


def test_importing_the_package_does_not_import_pyplot():
    code = (
        "import sys, sklandscape.landscape, sklandscape; sklandscape.Landscape; "
        "print('matplotlib.pyplot' in sys.modules, 'matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
