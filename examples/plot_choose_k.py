"""
================================
Choosing K from funnel structure
================================

:class:`~sklandscape.LandscapeKSelector` chooses the number of K-means
clusters from the whole landscape of solutions at every K, not from the best
solution alone. For each candidate K it maps the minima of the K-means cost
(each one a partition of the data) and the transition states between them,
then scores K by the product of two signals,

* the *cost elbow* ``ln E(K-1) - 2 ln E(K) + ln E(K+1)`` of the
  global-minimum cost curve: the cluster added at K pays off more than the
  next one;
* the *entropy rise* ``S_{K+1} - S_K``, through ``exp(S_{K+1} - S_K)``, the
  growth of the effective number of competing partitions: at the appropriate
  K the best partition has no near-equivalent rival (a single funnel, entropy
  near 0), while one cluster more can split any cluster in many
  near-equivalent ways (a glassy landscape of many competing partitions).

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
# ``entropy`` is ``S_K`` at the reference temperature ``T_K`` (the cost of one
# typical sample); ``exp(S_K)`` is the effective number of competing
# partitions. At K = 4 the best partition stands alone: its rivals cost
# hundreds of typical samples more, so ``S_4 = 0`` and the global minimum holds
# all the occupation. At K = 3 several ways of merging two blobs cost nearly
# the same, and at K = 5 so do several ways of splitting one: the entropy is
# higher on either side. K = 4 is also the elbow of the cost curve.
results = selector.results_
print(" K   score  entropy rise  cost elbow  entropy S_K  minima  rank")
for i, k in enumerate(results["k"]):
    print(
        f"{k:2d}  {results['score'][i]:6.2f}  {results['score_entropy'][i]:12.2f}  "
        f"{results['score_cost'][i]:10.2f}  {results['entropy'][i]:11.2f}  "
        f"{results['n_minima'][i]:6d}  {results['rank_score'][i]:4d}"
    )

# %%
# Scores and disconnectivity graphs
# ---------------------------------
# :meth:`~sklandscape.LandscapeKSelector.plot_results` draws the per-K scores
# (with the two terms of the default criterion) beside the disconnectivity
# graphs at the chosen K and its neighbours: one deep minimum at K = 4, nearly
# degenerate rivals at K = 3 and K = 5.
axes = selector.plot_results()
axes[0].figure.suptitle("Four blobs")
axes[0].figure.tight_layout()

# %%
# Standardised iris
# -----------------
# Iris has three species, but two of them overlap: in the standardised
# measurements setosa stands apart from one cloud of versicolor and virginica.
# The landscape sees the same two groups as the silhouette does.
X_iris = StandardScaler().fit_transform(load_iris().data)
iris_selector = LandscapeKSelector(K_RANGE, n_hops=10, n_chains=2, random_state=0).fit(X_iris)
print(
    f"iris: landscape K = {iris_selector.n_clusters_}, silhouette K = {silhouette_choice(X_iris)}"
)
axes = iris_selector.plot_results()
axes[0].figure.suptitle("Standardised iris")
axes[0].figure.tight_layout()
plt.show()
