"""Speed of the landscape analyses on a synthetic landscape of 5,000 minima and 15,000 TSs.

Targets (issue #3): heat capacity over 500 temperatures < 0.5 s, disconnectivity
tree < 2 s, rate between two minima < 5 s, save + load < 1 s. Each figure is the
median of several runs, printed with a baseline measured in the same process:

* heat capacity: a direct per-temperature loop with ``scipy.special.logsumexp``;
* disconnectivity tree: networkx connected components below every level;
* rate: a sparse LU solve (``scipy.sparse.linalg.spsolve``) of the first-passage
  equations, which is faster but not subtraction-free (see ``_graph_transformation``);
* save + load: ``numpy.savez_compressed`` / ``numpy.load`` of the bare arrays.

The network is a random spanning tree plus random extra TSs (an Erdos-Renyi-like
graph: the hard case for elimination, with no geometric locality to exploit).

Run from the repository root: ``PYTHONPATH=. python benchmarks/bench_landscape.py [--repeats N]``.
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import networkx as nx
import numpy as np
import scipy.sparse
import scipy.sparse.linalg
from scipy.special import logsumexp

from sklandscape import Landscape

N_MINIMA, N_TS, N_TEMPERATURES = 5000, 15000, 500


def synthetic_landscape(seed=0):
    rng = np.random.default_rng(seed)
    tree = [(i, int(rng.integers(0, i))) for i in range(1, N_MINIMA)]
    extra = rng.integers(0, N_MINIMA, size=(N_TS - len(tree), 2))
    pairs = np.concatenate([np.array(tree), extra])
    energy = 2.0 * rng.normal(size=N_MINIMA)
    ts_energy = np.maximum(energy[pairs[:, 0]], energy[pairs[:, 1]])
    ts_energy = ts_energy + rng.exponential(1.0, size=N_TS)
    return Landscape.from_arrays(
        energy,
        ts_energy,
        pairs,
        minima_log_hessian_product=rng.normal(size=N_MINIMA),
        ts_log_hessian_product=rng.normal(size=N_TS),
        n_params=20,
        minima_x=rng.normal(size=(N_MINIMA, 20)),
        ts_x=rng.normal(size=(N_TS, 20)),
    )


def median_time(function, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def baseline_heat_capacity(ls, temperatures):
    energy, lhp = ls.minima.energy, ls.minima.log_hessian_product
    result = []
    for t in temperatures:
        log_w = -energy / t - 0.5 * lhp
        p = np.exp(log_w - logsumexp(log_w))
        mean = p @ energy
        result.append(ls.n_params / 2 + p @ (energy - mean) ** 2 / t**2)
    return np.array(result)


def baseline_superbasins(ls, levels):
    energy = ls.minima.energy
    pairs, ts_energy = ls.transition_states.minima, ls.transition_states.energy
    for cut in levels:
        graph = nx.Graph()
        graph.add_nodes_from(np.flatnonzero(energy < cut).tolist())
        graph.add_edges_from(pairs[ts_energy <= cut].tolist())
        list(nx.connected_components(graph))


def baseline_rate(ls, source, sink, T):
    """1 / MFPT from sum_j k_ij (T_i - T_j) = 1, T_sink = 0, by sparse LU."""
    proper = ls._proper_transition_states
    pairs = ls.transition_states.minima[proper]
    forward, backward = ls._log_ts_rates(T, proper)
    rows = np.concatenate([pairs[:, 0], pairs[:, 1]])
    cols = np.concatenate([pairs[:, 1], pairs[:, 0]])
    k = scipy.sparse.csr_matrix(
        (np.exp(np.concatenate([forward, backward])), (rows, cols)), shape=(ls.n_minima,) * 2
    )
    generator = scipy.sparse.diags(np.asarray(k.sum(axis=1)).ravel()) - k
    keep = np.setdiff1d(np.arange(ls.n_minima), [sink])
    reduced = generator[keep][:, keep].tocsc()
    times = scipy.sparse.linalg.spsolve(reduced, np.ones(keep.size))
    return 1.0 / times[np.searchsorted(keep, source)]


def baseline_save_load(ls, path):
    arrays = {f"m_{k}": v for k, v in ls.minima.to_dict().items()}
    arrays.update({f"t_{k}": v for k, v in ls.transition_states.to_dict().items()})
    np.savez_compressed(path, **arrays)
    with np.load(path) as archive:
        {name: archive[name] for name in archive.files}


def report(label, measured, baseline, target=None):
    line = (
        f"{label:<34} {measured * 1e3:9.1f} ms   baseline {baseline * 1e3:9.1f} ms   "
        f"ratio {measured / baseline:6.2f}"
    )
    if target is not None:
        line += f"   target < {target:g} s  [{'ok' if measured < target else 'SLOW'}]"
    print(line)


def save_and_load(ls, path):
    ls.save(path)
    return Landscape.load(path)


def pathsample_round_trip(ls, directory):
    ls.to_pathsample(directory)
    return Landscape.from_pathsample(directory)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    repeats = parser.parse_args().repeats
    ls = synthetic_landscape()
    temperatures = np.geomspace(0.05, 20.0, N_TEMPERATURES)
    print(
        f"synthetic landscape: {ls.n_minima} minima, {ls.n_transition_states} TSs, "
        f"n_params={ls.n_params}; medians of {repeats} runs"
    )

    np.testing.assert_allclose(
        ls.heat_capacity(temperatures), baseline_heat_capacity(ls, temperatures), rtol=1e-8
    )
    report(
        f"heat capacity, {N_TEMPERATURES} temperatures",
        median_time(lambda: ls.heat_capacity(temperatures, split=True), repeats),
        median_time(lambda: baseline_heat_capacity(ls, temperatures), repeats),
        0.5,
    )

    tree = ls.disconnectivity(50)
    report(
        "disconnectivity tree, 50 levels",
        median_time(lambda: ls.disconnectivity(50), repeats),
        median_time(lambda: baseline_superbasins(ls, tree.levels), repeats),
        2.0,
    )

    source, sink, T = ls.global_minimum, int(np.argmax(ls.minima.energy)), 1.0
    graph_transformation = ls.rate(source, sink, T)
    linear = baseline_rate(ls, source, sink, T)
    print(f"rate {source} -> {sink} at T={T}: GT {graph_transformation:.12g}, LU {linear:.12g}")
    report(
        "rate between two minima (GT)",
        median_time(lambda: ls.rate(source, sink, T), repeats),
        median_time(lambda: baseline_rate(ls, source, sink, T), repeats),
        5.0,
    )

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "landscape.npz"
        bare = Path(directory) / "bare.npz"
        report(
            "save + load",
            median_time(lambda: save_and_load(ls, path), repeats),
            median_time(lambda: baseline_save_load(ls, bare), repeats),
            1.0,
        )
        report(
            "to_pathsample + from_pathsample",
            median_time(lambda: pathsample_round_trip(ls, directory), repeats),
            median_time(lambda: baseline_save_load(ls, bare), repeats),
        )


if __name__ == "__main__":
    main()
