"""Held-out accuracy of the heat-capacity-guided ensemble against the obvious alternatives.

On the classification datasets bundled with scikit-learn (iris, wine,
breast_cancer, digits) and make_moons, standardised, over repeated stratified
splits (70 % train, 30 % test), every model below is trained on the training
part and scored on the test part (accuracy and log-loss, mean +- sd over the
splits):

* ``global minimum``: the base :class:`~sklandscape.LandscapeMLPClassifier`
  (the lowest minimum its exploration found);
* ``heat capacity``: :class:`~sklandscape.LandscapeEnsembleClassifier` with
  ``selection="heat_capacity"``, soft voting over ``n`` members (the minima
  that dominate C+ and C- at the heat-capacity peaks);
* ``hc meta``: the same members with ``voting="meta"`` (a gate trained on
  out-of-fold member predictions chooses the member per sample);
* ``lowest`` and ``random``: the ``n`` lowest minima, and ``n`` minima drawn
  uniformly, of the same landscape (same ``n`` as the heat-capacity ensemble),
  soft voting;
* ``bag of MLPs``: ``n`` scikit-learn ``MLPClassifier`` of the same
  architecture and penalty (its ``alpha`` is ours times ``n_train``, since
  scikit-learn sums the penalty over samples), L-BFGS, different seeds, soft
  voting: the ensemble one gets without a landscape.

The ``lowest`` and ``random`` ensembles reuse the landscape explored by the
heat-capacity ensemble (``ensemble.estimator_``) and soft-vote its
``at_minimum`` members; the script checks that this reproduces the
heat-capacity ensemble's own ``predict_proba`` for its members, so the
comparison is like for like.

Run from the repository root:
``PYTHONPATH=. python benchmarks/bench_ensemble.py [--splits 5] [--quick]``.
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine, make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, log_loss
from sklearn.model_selection import StratifiedShuffleSplit
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from sklandscape import LandscapeEnsembleClassifier, LandscapeMLPClassifier
from sklandscape.ensemble._selection import select_minima

HIDDEN = (8,)
ALPHA = 1e-4
N_MEMBERS = 5
MODELS = ("global minimum", "heat capacity", "hc meta", "lowest", "random", "bag of MLPs")


def datasets(quick):
    data = {
        "iris": load_iris(return_X_y=True),
        "wine": load_wine(return_X_y=True),
        "breast_cancer": load_breast_cancer(return_X_y=True),
        "moons": make_moons(400, noise=0.3, random_state=0),
    }
    if not quick:
        data["digits"] = load_digits(return_X_y=True)
    return data


def base_estimator(n_hops, seed):
    return LandscapeMLPClassifier(
        HIDDEN, alpha=ALPHA, n_hops=n_hops, n_chains=4, connect=False, random_state=seed
    )


def soft_vote(estimator, minima, X):
    """Mean class probabilities of the models at ``minima`` of a fitted landscape estimator."""
    return np.mean([estimator.at_minimum(int(i)).predict_proba(X) for i in minima], axis=0)


def bag_of_mlps(X_train, y_train, X_test, n_members, seed):
    """Soft vote of independently trained scikit-learn MLPs (same architecture and penalty)."""
    probabilities = []
    for member in range(n_members):
        mlp = MLPClassifier(
            HIDDEN,
            activation="tanh",
            solver="lbfgs",
            alpha=ALPHA * X_train.shape[0],
            max_iter=2000,
            random_state=1000 * seed + member,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            mlp.fit(X_train, y_train)
        probabilities.append(mlp.predict_proba(X_test))
    return np.mean(probabilities, axis=0)


def one_split(X_train, y_train, X_test, n_hops, seed):
    """Test-set class probabilities of every model, and the ensemble's size and landscape."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # fewer members than asked: reported below
        hc = LandscapeEnsembleClassifier(
            base_estimator(n_hops, seed), n_members=N_MEMBERS, random_state=seed
        ).fit(X_train, y_train)
        meta = LandscapeEnsembleClassifier(
            base_estimator(n_hops, seed), n_members=N_MEMBERS, voting="meta", random_state=seed
        ).fit(X_train, y_train)
    base, landscape = hc.estimator_, hc.landscape_
    n = len(hc.selected_minima_)
    same_landscape = np.array_equal(meta.landscape_.minima.energy, landscape.minima.energy)
    proba = {
        "global minimum": base.predict_proba(X_test),
        "heat capacity": hc.predict_proba(X_test),
        "hc meta": meta.predict_proba(X_test) if same_landscape else None,
    }
    np.testing.assert_allclose(
        soft_vote(base, hc.selected_minima_, X_test), proba["heat capacity"], atol=1e-12
    )
    rng = np.random.default_rng(seed)
    for name in ("lowest", "random"):
        proba[name] = soft_vote(base, select_minima(landscape, n, name, [], rng), X_test)
    proba["bag of MLPs"] = bag_of_mlps(X_train, y_train, X_test, n, seed)
    return proba, n, landscape.n_minima, base.classes_


def evaluate(X, y, n_splits, n_hops):
    scores = {name: {"accuracy": [], "log_loss": []} for name in MODELS}
    sizes, minima = [], []
    splitter = StratifiedShuffleSplit(n_splits=n_splits, test_size=0.3, random_state=0)
    for seed, (train, test) in enumerate(splitter.split(X, y)):
        scaler = StandardScaler().fit(X[train])
        X_train, X_test = scaler.transform(X[train]), scaler.transform(X[test])
        proba, n, n_minima, classes = one_split(X_train, y[train], X_test, n_hops, seed)
        sizes.append(n)
        minima.append(n_minima)
        for name, p in proba.items():
            if p is None:
                continue
            scores[name]["accuracy"].append(accuracy_score(y[test], classes[p.argmax(axis=1)]))
            scores[name]["log_loss"].append(log_loss(y[test], p, labels=classes))
    return scores, sizes, minima


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--splits", type=int, default=5)
    parser.add_argument("--hops", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="2 splits, 8 hops, no digits")
    args = parser.parse_args()
    n_splits, n_hops = (2, 8) if args.quick else (args.splits, args.hops)
    print(
        f"MLP {HIDDEN} tanh, alpha={ALPHA}, {n_hops} hops x 4 chains; n_members={N_MEMBERS}; "
        f"{n_splits} stratified 70/30 splits; mean +- sd of test accuracy and log-loss"
    )
    wins = {name: 0 for name in MODELS if name != "heat capacity"}
    data = datasets(args.quick)
    for name, (X, y) in data.items():
        start = time.perf_counter()
        scores, sizes, minima = evaluate(X, y, n_splits, n_hops)
        elapsed = time.perf_counter() - start
        print(
            f"\n{name} {X.shape}: {np.median(minima):.0f} minima (median), "
            f"ensemble sizes {sizes}, {elapsed:.0f} s"
        )
        print(f"{'model':<16}{'accuracy':>18}{'log-loss':>18}")
        for model in MODELS:
            accuracy, loss = scores[model]["accuracy"], scores[model]["log_loss"]
            if not accuracy:
                print(f"{model:<16}{'(landscape differed)':>36}")
                continue
            print(
                f"{model:<16}{np.mean(accuracy):>10.4f} +- {np.std(accuracy):.4f}"
                f"{np.mean(loss):>10.4f} +- {np.std(loss):.4f}"
            )
        hc_loss = np.mean(scores["heat capacity"]["log_loss"])
        for model in wins:
            if scores[model]["log_loss"] and hc_loss < np.mean(scores[model]["log_loss"]):
                wins[model] += 1
    print("\ndatasets where the heat-capacity ensemble has the lower mean test log-loss:")
    for model, count in wins.items():
        print(f"  vs {model:<16}{count} of {len(data)}")


if __name__ == "__main__":
    main()
