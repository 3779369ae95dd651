"""Figure of a fitted LandscapeKSelector: the criterion per K beside every K's landscape."""

import numpy as np

from ._k_criteria import global_minimum_funnel, partition_landscape

__all__ = ["plot_k_selection"]


def plot_k_selection(selector, k_landscapes=None, axes=None, parts=True):
    """Draw the scores of every K and the disconnectivity graph of each K.

    The first Axes shows the chosen criterion against K (with, for the
    default criterion, its cost and funnel terms). Every other Axes is the
    disconnectivity graph of one K, with the global minimum's funnel (the
    minima from which a monotonic sequence of transition states leads down to
    it) highlighted, and a title giving K, the score, the minima kept, the
    fraction of them connected to the global minimum and the minima found
    above the focus and not kept (``metadata["n_minima_discarded"]``), so
    that no minimum is left out silently.

    Parameters
    ----------
    selector : LandscapeKSelector
        A fitted selector.
    k_landscapes : iterable of int, optional
        Numbers of clusters whose landscapes to draw (default: every
        candidate K).
    axes : sequence of matplotlib Axes, optional
        ``1 + len(k_landscapes)`` Axes; a new figure when omitted (the scores
        on top, the graphs below in rows of four).
    parts : bool, default=True
        For the default criterion, also draw its terms.

    Returns
    -------
    axes : list of matplotlib Axes

    Raises
    ------
    ValueError
        When a requested K was not explored, or the number of Axes is wrong.
    """
    chosen = selector.n_clusters_
    if k_landscapes is None:
        k_landscapes = selector.results_["k"].tolist()
    k_landscapes = [int(k) for k in k_landscapes]
    missing = [k for k in k_landscapes if k not in selector.landscapes_]
    if missing:
        raise ValueError(
            f"no landscape was explored for K = {missing}; "
            f"explored: {sorted(selector.landscapes_)}."
        )
    if axes is None:
        axes = _new_axes(len(k_landscapes))
    else:
        axes = list(np.ravel(axes))
        if len(axes) != 1 + len(k_landscapes):
            raise ValueError(
                f"axes must hold {1 + len(k_landscapes)} Axes (scores, then one per landscape), "
                f"got {len(axes)}."
            )
    _plot_scores(selector, axes[0], parts)
    results = selector.results_
    for ax, k in zip(axes[1:], k_landscapes, strict=True):
        landscape = selector.landscapes_[k]
        funnel = np.flatnonzero(global_minimum_funnel(partition_landscape(landscape)))
        landscape.plot_disconnectivity(ax=ax, highlight={"funnel of the global minimum": funnel})
        ax.set_ylabel("K-means cost per sample")
        row = np.flatnonzero(results["k"] == k)
        score = f", score {results['score'][row[0]]:.3g}" if row.size else " (neighbour)"
        discarded = int(landscape.metadata.get("n_minima_discarded", 0))
        connected = (
            f"{results['fraction_connected'][row[0]]:.0%} connected"
            if row.size
            else f"{landscape.n_minima} minima"
        )
        noun = "minimum" if landscape.n_minima == 1 else "minima"
        ax.set_title(
            f"K = {k}{' (chosen)' if k == chosen else ''}{score}\n"
            f"{landscape.n_minima} {noun} kept, {connected}, {discarded} above the focus",
            fontsize="small",
        )
    return axes


def _new_axes(n_landscapes):
    import matplotlib.pyplot as plt

    n_columns = min(4, max(n_landscapes, 1))
    n_rows = 1 + -(-n_landscapes // n_columns)
    figure = plt.figure(figsize=(3.4 * n_columns + 0.6, 3.4 * n_rows), layout="constrained")
    grid = figure.add_gridspec(n_rows, n_columns)
    axes = [figure.add_subplot(grid[0, :])]
    for i in range(n_landscapes):
        axes.append(figure.add_subplot(grid[1 + i // n_columns, i % n_columns]))
    return axes


def _plot_scores(selector, ax, parts):
    results = selector.results_
    ks = results["k"]
    criterion = selector.criterion if isinstance(selector.criterion, str) else "custom"
    ax.plot(ks, results["score"], "o-", color="black", label=f"score ({criterion})")
    if parts and criterion == "landscape":
        ax.plot(ks, results["score_cost"], "^--", color="tab:blue", label="cost elbow")
        ax.plot(ks, results["score_funnel"], "s--", color="tab:red", label="funnel loss")
    ax.axvline(selector.n_clusters_, color="tab:green", linestyle=":", label="chosen K")
    ax.set_xlabel("number of clusters K")
    ax.set_ylabel("score (higher is better)")
    ax.set_xticks(ks)
    ax.set_title(f"Choice of K by the {criterion!r} criterion: K = {selector.n_clusters_}")
    ax.legend(fontsize="small")
