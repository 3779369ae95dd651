"""Readable names of the entries of an estimator's flat parameter vector."""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._gpr import _theta_names

__all__ = ["parameter_names"]


def parameter_names(estimator):
    """What each coordinate of ``landscape_.minima.x`` means, for a fitted estimator.

    * :class:`~sklandscape.LandscapeMLPClassifier` (layout of its objective:
      the weight matrices row-major, then the intercepts):
      ``"<input> -> h1[j]"``, ``"h1[i] -> h2[j]"``, ``"h1[i] -> class <c>"``,
      ``"bias h1[j]"``, ``"bias class <c>"``; inputs are ``feature_names_in_``
      or ``x0, x1, ...``; hidden units are numbered in the canonical order.
    * :class:`~sklandscape.LandscapeKMeans`: ``"centre k: <feature>"``, centres
      in the canonical (lexicographically sorted) order.
    * :class:`~sklandscape.LandscapeGPRegressor`: the kernel's free
      hyperparameters (``log`` values, as ``kernel.theta``).

    Use with :meth:`~sklandscape.Landscape.conserved_parameters`:
    ``names[result.order]`` lists the parameters from the most conserved.

    Parameters
    ----------
    estimator : fitted landscape estimator

    Returns
    -------
    names : ndarray of str, shape (n_params,)

    Raises
    ------
    TypeError
        For an estimator whose parameter layout is not known here.
    """
    check_is_fitted(estimator, "landscape_")
    if hasattr(estimator, "coefs_"):
        names = _mlp_names(estimator)
    elif hasattr(estimator, "cluster_centers_"):
        n_clusters, n_features = estimator.cluster_centers_.shape
        features = _feature_names(estimator, n_features)
        names = [f"centre {k}: {f}" for k in range(n_clusters) for f in features]
    elif hasattr(estimator, "kernel_"):
        names = [f"log {name}" for name in _theta_names(estimator.kernel_)]
    else:
        raise TypeError(f"no parameter names for {type(estimator).__name__}.")
    names = np.asarray(names)
    if names.size != estimator.landscape_.n_params:
        raise ValueError(
            f"{names.size} names for {estimator.landscape_.n_params} parameters: "
            "the estimator and its landscape disagree."
        )
    return names


def _feature_names(estimator, n_features):
    names = getattr(estimator, "feature_names_in_", None)
    return [str(n) for n in names] if names is not None else [f"x{i}" for i in range(n_features)]


def _mlp_names(estimator):
    coefs = estimator.coefs_
    n_layers = len(coefs)
    classes = estimator.classes_ if coefs[-1].shape[1] == len(estimator.classes_) else None
    output = (
        [f"class {c}" for c in classes]
        if classes is not None
        else [f"class {estimator.classes_[-1]}"]
    )
    units = [_feature_names(estimator, coefs[0].shape[0])]
    units += [
        [f"h{layer}[{j}]" for j in range(c.shape[1])] for layer, c in enumerate(coefs[:-1], 1)
    ]
    units.append(output)
    weights = [
        f"{source} -> {target}"
        for layer in range(n_layers)
        for source in units[layer]
        for target in units[layer + 1]
    ]
    biases = [f"bias {target}" for layer in range(n_layers) for target in units[layer + 1]]
    return weights + biases
