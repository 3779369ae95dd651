"""Figures: the Axes hold the expected artists; no import-time side effects."""

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
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


def several_components(seed=7, n=30, n_ts=22):
    """A landscape whose TSs leave the minima in several connected components."""
    rng = np.random.default_rng(seed)
    pairs = rng.integers(0, n, size=(n_ts, 2))
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    energy = rng.normal(size=n)
    ts_energy = np.maximum(energy[pairs[:, 0]], energy[pairs[:, 1]]) + rng.exponential(
        size=len(pairs)
    )
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(pairs.tolist())
    components = list(nx.connected_components(graph))
    ls = Landscape.from_arrays(energy, ts_energy, pairs, n_params=3)
    return ls, components


def leaf_bottoms(ax):
    """Lower ends of the drawn segments that start at a minimum's energy (the leaves)."""
    (collection,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    return np.array([min(seg[:, 1]) for seg in collection.get_segments()])


def test_disconnectivity_plot_draws_every_minimum_of_every_component():
    ls, components = several_components()
    assert len(components) >= 8
    ax = ls.plot_disconnectivity()
    bottoms = leaf_bottoms(ax)
    energy = ls.minima.energy
    # Exactly one segment ends at each minimum's energy: every minimum is a leaf.
    hits = np.isclose(bottoms[:, None], energy[None, :], rtol=0, atol=1e-12)
    np.testing.assert_array_equal(hits.sum(axis=0), np.ones(ls.n_minima))
    assert f"all {ls.n_minima} minima, in {len(components)} separate trees" in ax.get_xlabel()
    assert ax.get_xlim()[1] >= ls.n_minima + len(components) - 1  # leaves and gaps fit
    counts = f"{ls.n_minima} minima, {ls.n_transition_states} transition states"
    assert ax.get_title() == f"Disconnectivity graph: {counts}"


def test_disconnectivity_plot_says_what_trim_and_the_window_leave_out():
    ls, components = several_components()
    (main,) = [c for c in components if ls.global_minimum in c]
    ax = ls.plot_disconnectivity(trim=True)
    hits = np.isclose(leaf_bottoms(ax)[:, None], ls.minima.energy[None, :], rtol=0, atol=1e-12)
    np.testing.assert_array_equal(np.flatnonzero(hits.any(axis=0)), sorted(main))
    note = ax.get_xlabel()
    assert f"{len(main)} of {ls.n_minima} minima drawn" in note
    assert f"{ls.n_minima - len(main)} minima not joined to the global minimum left out" in note
    high = np.sort(ls.minima.energy)[-3]  # the three highest minima lie at or above it
    ax = ls.plot_disconnectivity(
        energy_range=(ls.minima.energy.min() - 1, high), ax=plt.subplots()[1]
    )
    assert f"{ls.n_minima - 3} of {ls.n_minima} minima drawn" in ax.get_xlabel()
    assert "3 minima at or above the energy window" in ax.get_xlabel()


def test_disconnectivity_plot_says_when_trees_join_above_the_window():
    # 0 and 1 join at 2.0, above a window that ends at 1.5: two trees, one component
    ls = Landscape.from_arrays([0.0, 0.5, 0.2], [2.0], [[0, 1]])
    ax = ls.plot_disconnectivity(energy_range=(-0.5, 1.5))
    note = ax.get_xlabel().splitlines()
    assert note[0] == "all 3 minima, in 2 separate trees: no transition state found joins them"
    assert note[1] == "1 more tree joins the others above the energy window"


def test_titles_name_the_landscape(landscape):
    named = Landscape.from_arrays(
        [0.0, 1.0], [2.0], [[0, 1]], metadata={"title": "kmeans on iris"}
    )
    assert named.plot_disconnectivity().get_title() == "Disconnectivity graph: kmeans on iris"
    assert (
        named.plot_heat_capacity(ax=plt.subplots()[1]).get_title()
        == "Heat capacity: kmeans on iris"
    )
    explored = Landscape.from_arrays([0.0], [], [], metadata={"objective": "KMeansObjective"})
    assert explored.plot_heat_capacity().get_title() == "Heat capacity: K-means inertia"
    ax = landscape.plot_disconnectivity(title="")
    assert ax.get_title() == ""
    ax = landscape.plot_heat_capacity(title="mine", ax=plt.subplots()[1])
    assert ax.get_title() == "mine"
    assert ax.get_xlabel() and ax.get_ylabel()


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
