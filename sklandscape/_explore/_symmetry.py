"""Orders of the symmetry groups of stationary points (point-group orders for models).

A model's parameter vector has discrete symmetries (cluster relabellings,
hidden-unit permutations and sign flips) that the objective's ``canonical``
form quotients out. A generic point is moved by every non-trivial operation;
a degenerate one (coincident centres, identical hidden units) is left
unchanged by some, and the number of operations that fix it is its symmetry
order ``o``. As for a molecule's point group, a minimum's partition function
carries ``1 / o`` and a rate through a TS ``t`` out of ``a`` carries
``o_a / o_t`` (Wales, *Energy Landscapes*, 2003, sec. 2.4; the orbit of the
point under the full group has ``|G| / o`` members, of which the canonical
form keeps one).
"""

import math

import numpy as np

__all__ = ["identical_row_classes", "permutation_order"]


def identical_row_classes(rows, atol):
    """Classes of rows that coincide within ``atol`` (max-norm), as a list of index arrays.

    Coincidence is closed transitively (union-find over all pairs).
    """
    rows = np.asarray(rows, dtype=float)
    n = rows.shape[0]
    parent = list(range(n))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(n):
        close = np.flatnonzero(np.max(np.abs(rows[i + 1 :] - rows[i]), axis=1, initial=0) <= atol)
        for j in close + i + 1:
            parent[find(int(j))] = find(i)
    roots = np.array([find(i) for i in range(n)], dtype=np.int64)
    return [np.flatnonzero(roots == r) for r in np.unique(roots)]


def permutation_order(rows, atol):
    """``prod_c m_c!``: the permutations of rows that leave the set of rows unchanged."""
    return math.prod(math.factorial(c.size) for c in identical_row_classes(rows, atol))
