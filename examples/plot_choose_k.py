"""
================================
Choosing K from funnel structure
================================

:class:`~sklandscape.LandscapeKSelector` chooses the number of K-means
clusters from the whole landscape of solutions at every K, not from the best
solution alone. For each candidate K it maps the minima of the K-means cost
(each one a partition of the data), keeps the lowest ones and joins them to
the global minimum by transition states, then scores K by the product of two
signals,

* the *cost elbow* ``ln E(K-1) - 2 ln E(K) + ln E(K+1)`` of the
  global-minimum cost curve: the cluster added at K pays off more than the
  next one;
* the *funnel loss* ``P_f(K) / P_f(K+1)``, with ``P_f`` the Boltzmann weight of
  the global minimum's funnel at the cost of one typical sample: up to the
  appropriate K the best partition sits at the bottom of a single funnel
  holding all the weight, while one cluster more can split any cluster in many
  near-equivalent ways (competing funnels take the weight).

Wu, Dicks & Wales (arXiv:2305.17279, 2023) observed the single funnel at the
appropriate K and its loss as K grows. Here the selector is compared with the
silhouette score on blobs of known K, then run on standardised iris.
"""

# %%
# Four blobs: the landscape and the silhouette agree
# --------------------------------------------------
# ``k_range`` holds the candidates; K - 1 and K + 1 are explored too where a
# criterion needs them. Small ``n_hops`` and ``n_chains`` keep the example
# quick; with the default ``criterion="landscape"`` the transition-state
# search only serves the funnel features and the disconnectivity graphs.
import matplotlib.pyplot as plt
from sklearn.cluster import KMeans
from sklearn.datasets import load_iris, make_blobs
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.preprocessing import StandardScaler

from sklandscape import LandscapeKSelector

K_RANGE = range(2, 8)


def silhouette_choice(X):
    """The K of k_range with the best silhouette of a 10-restart scikit-learn KMeans."""
    scores = {
        k: silhouette_score(X, KMeans(k, n_init=10, random_state=0).fit_predict(X))
        for k in K_RANGE
    }
    return max(scores, key=scores.get)


X, y = make_blobs(n_samples=150, centers=4, cluster_std=[0.6, 0.9, 0.6, 1.0], random_state=3)
selector = LandscapeKSelector(K_RANGE, n_hops=10, n_chains=2, random_state=0).fit(X)
print(f"true K = 4, landscape K = {selector.n_clusters_}, silhouette K = {silhouette_choice(X)}")
print(f"adjusted Rand index with the true blobs: {adjusted_rand_score(y, selector.labels_):.3f}")

# %%
# The per-K table
# ---------------
# ``results_`` is laid out like ``cv_results_``: one entry per candidate K.
# ``funnel_occupation`` is ``P_f`` at the reference temperature ``T_K`` (the
# cost of one typical sample), over the minima connected to the global minimum
# (``fraction_connected`` of the kept minima). The global minimum's funnel
# holds all the weight up to K = 5 and loses it from K = 6; among the
# funnelled K the cost elbow is largest at K = 4.
results = selector.results_
print(" K   score  funnel loss  cost elbow  P_f(K)  minima  connected  rank")
for i, k in enumerate(results["k"]):
    print(
        f"{k:2d}  {results['score'][i]:6.2f}  {results['score_funnel'][i]:11.2f}  "
        f"{results['score_cost'][i]:10.2f}  {results['funnel_occupation'][i]:6.2f}  "
        f"{results['n_minima'][i]:6d}  {results['fraction_connected'][i]:9.0%}  "
        f"{results['rank_score'][i]:4d}"
    )

# %%
# Scores and disconnectivity graphs
# ---------------------------------
# :meth:`~sklandscape.LandscapeKSelector.plot_results` draws the per-K scores
# (with the two terms of the default criterion) above the disconnectivity
# graph of every candidate K, the global minimum's funnel highlighted.
axes = selector.plot_results()
axes[0].figure.suptitle("Four blobs")

# %%
# Standardised iris
# -----------------
# Iris has three species, but two of them overlap: in the standardised
# measurements setosa stands apart from one cloud of versicolor and virginica.
# Which K the landscape and the silhouette choose is printed as measured.
X_iris = StandardScaler().fit_transform(load_iris().data)
iris_selector = LandscapeKSelector(K_RANGE, n_hops=10, n_chains=2, random_state=0).fit(X_iris)
print(
    f"iris: landscape K = {iris_selector.n_clusters_}, silhouette K = {silhouette_choice(X_iris)}"
)
axes = iris_selector.plot_results()
axes[0].figure.suptitle("Standardised iris")
plt.show()
