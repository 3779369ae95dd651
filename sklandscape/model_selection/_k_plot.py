"""Figure of a fitted LandscapeKSelector: per-K scores beside disconnectivity graphs."""

import numpy as np

__all__ = ["plot_k_selection"]


def plot_k_selection(selector, k_landscapes=None, axes=None, parts=True):
    """Draw the scores of every K and the disconnectivity graphs of some K.

    Parameters
    ----------
    selector : LandscapeKSelector
        A fitted selector.
    k_landscapes : iterable of int, optional
        Numbers of clusters whose landscapes to draw (default: the chosen K
        and its explored neighbours).
    axes : sequence of matplotlib Axes, optional
        ``1 + len(k_landscapes)`` Axes; a new figure when omitted.
    parts : bool, default=True
        For the default criterion, also draw its two terms.

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
        k_landscapes = [k for k in (chosen - 1, chosen, chosen + 1) if k in selector.landscapes_]
    k_landscapes = [int(k) for k in k_landscapes]
    missing = [k for k in k_landscapes if k not in selector.landscapes_]
    if missing:
        raise ValueError(
            f"no landscape was explored for K = {missing}; "
            f"explored: {sorted(selector.landscapes_)}."
        )
    if axes is None:
        import matplotlib.pyplot as plt

        n_panels = 1 + len(k_landscapes)
        _, axes = plt.subplots(1, n_panels, figsize=(3.6 * n_panels + 1.0, 3.6), squeeze=False)
        axes = list(axes[0])
    else:
        axes = list(np.ravel(axes))
        if len(axes) != 1 + len(k_landscapes):
            raise ValueError(
                f"axes must hold {1 + len(k_landscapes)} Axes (scores, then one per landscape), "
                f"got {len(axes)}."
            )
    _plot_scores(selector, axes[0], parts)
    for ax, k in zip(axes[1:], k_landscapes, strict=True):
        landscape = selector.landscapes_[k]
        landscape.plot_disconnectivity(ax=ax)
        suffix = " (chosen)" if k == chosen else ""
        noun = "minimum" if landscape.n_minima == 1 else "minima"
        ax.set_title(f"K = {k}: {landscape.n_minima} {noun}{suffix}")
    return axes


def _plot_scores(selector, ax, parts):
    results = selector.results_
    ks = results["k"]
    criterion = selector.criterion if isinstance(selector.criterion, str) else "custom"
    ax.plot(ks, results["score"], "o-", color="black", label=f"score ({criterion})")
    if parts and criterion == "landscape":
        ax.plot(ks, results["score_entropy"], "s--", color="tab:red", label="entropy rise")
        ax.plot(ks, results["score_cost"], "^--", color="tab:blue", label="cost elbow")
    ax.axvline(selector.n_clusters_, color="tab:green", linestyle=":", label="chosen K")
    ax.set_xlabel("number of clusters K")
    ax.set_ylabel("score (nats)" if criterion in ("landscape", "entropy", "cost") else "score")
    ax.set_xticks(ks)
    ax.legend(fontsize="small")
