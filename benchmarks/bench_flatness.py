"""Does flatness predict generalisation across the minima of an MLP landscape?

For every minimum of a :class:`~sklandscape.LandscapeMLPClassifier` landscape
(iris, standardised, a 4-6-3 tanh network, alpha=1e-4, half the data held out), the
Spearman rank correlation between test accuracy / test loss and three
flatness summaries of :meth:`~sklandscape.Landscape.flatness`: the largest
Hessian eigenvalue, the trace and the log product of the eigenvalues (smaller
means flatter). The sign of the correlation is reported as measured: flatness
and generalisation are correlated in some studies (Keskar et al., ICLR 2017)
and not in others (Dinh et al., ICML 2017). As a baseline in the same process,
the correlation of test accuracy with the training loss itself.

Run from the repository root:
``PYTHONPATH=. python benchmarks/bench_flatness.py [--hops N] [--seeds 0 1 2]``.
"""

import argparse
import time

import numpy as np
from scipy.stats import spearmanr
from sklearn.datasets import load_iris
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sklandscape import LandscapeMLPClassifier


def minima_table(seed, n_hops):
    X, y = load_iris(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.5, random_state=seed, stratify=y
    )
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    clf = LandscapeMLPClassifier(
        (6,), alpha=1e-4, n_hops=n_hops, n_chains=4, connect=False, random_state=seed
    ).fit(X_train, y_train)
    landscape = clf.landscape_
    accuracy, loss = [], []
    for m in range(landscape.n_minima):
        member = clf.at_minimum(m)
        accuracy.append(member.score(X_test, y_test))
        loss.append(log_loss(y_test, member.predict_proba(X_test)))
    return landscape, np.array(accuracy), np.array(loss)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hops", type=int, default=60)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args()
    for seed in args.seeds:
        start = time.perf_counter()
        landscape, accuracy, loss = minima_table(seed, args.hops)
        elapsed = time.perf_counter() - start
        flat = landscape.flatness()
        print(
            f"seed {seed}: {landscape.n_minima} minima ({elapsed:.1f} s); test accuracy "
            f"{accuracy.min():.3f}-{accuracy.max():.3f}, test log-loss {loss.min():.3f}-"
            f"{loss.max():.3f}"
        )
        if landscape.n_minima < 4:
            print("  too few minima for a rank correlation")
            continue
        measures = {
            "train loss (baseline)": landscape.minima.energy,
            "max eigenvalue": flat["max_eigenvalue"],
            "trace": flat["trace"],
            "log product": flat["log_hessian_product"],
        }
        for name, values in measures.items():
            acc = spearmanr(values, accuracy)
            los = spearmanr(values, loss)
            print(
                f"  {name:22s} vs test accuracy rho={acc.statistic:+.2f} (p={acc.pvalue:.2g}); "
                f"vs test log-loss rho={los.statistic:+.2f} (p={los.pvalue:.2g})"
            )


if __name__ == "__main__":
    main()
