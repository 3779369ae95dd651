r"""Verification of a minimum without diagonalising its Hessian.

A minimum of a model with ``n`` parameters is verified by the index of its
Hessian ``H`` (no negative eigenvalue, exactly the objective's known zero
modes) and stored with the log product of its positive eigenvalues (LPPHE,
the harmonic measure of its basin, Wales, *Energy Landscapes*, 2003) and the
extreme ones. A dense eigendecomposition gives all of that in
``~ 9 n^3`` operations; beyond a thousand parameters it costs more than the
local minimisation that found the minimum. Everything the test needs follows
from one Cholesky factorisation (``n^3 / 3``) and two Lanczos runs on
matrix-vector products (``O(n^2)`` each):

* **Zero modes.** The rows ``z_k`` of the objective's ``zero_mode_basis``
  (orthonormal) must be eigenvectors of eigenvalue zero within the tolerance:
  ``||H z_k|| <= zero_tol`` (then ``H`` has an eigenvalue within ``zero_tol``
  of zero, Bauer-Fike).
* **Largest eigenvalue** ``lambda_max`` by Lanczos on ``H`` (the largest
  algebraic eigenvalue); it sets ``zero_tol = ZERO_EIGENVALUE_RTOL
  max(1, lambda_max)``, as for the dense test.
* **Index.** The zero modes are lifted to ``s = 2 max(1, lambda_max)``,
  above every other eigenvalue:

  .. math::

      M = H + s \sum_k z_k z_k^T = L L^T.

  The Cholesky factorisation exists exactly when ``M`` is positive definite
  (Sylvester's law of inertia), i.e. when ``H`` has no negative eigenvalue
  off the zero modes. Lanczos on ``M^{-1}`` (two triangular solves per
  product, Ericsson & Ruhe's shift-and-invert, Math. Comp. 35, 1251, 1980)
  gives its largest eigenvalue ``1 / lambda_min``: the smallest positive
  eigenvalue of ``H``, which must exceed ``zero_tol`` (no extra flat
  direction).
* **LPPHE.** ``log det M = 2 sum_i log L_ii``, and ``M`` has the eigenvalues
  of ``H`` off the zero modes and ``s`` (to ``O(zero_tol / s)``) on them, so

  .. math::

      \sum_{\lambda_i > 0} \log \lambda_i = 2 \sum_i \log L_{ii}
      - n_0 \log s.

* **Trace** of the positive modes: ``tr H - sum_k z_k^T H z_k``.

The Lanczos runs (ARPACK, :func:`scipy.sparse.linalg.eigsh`) start from a
fixed vector, so the result is a pure function of ``H``.
"""

import numpy as np
from scipy.linalg import LinAlgError, cho_factor, cho_solve
from scipy.sparse.linalg import LinearOperator, eigsh

__all__ = ["lanczos_minimum_spectrum"]

#: Relative accuracy of the Lanczos eigenvalues.
LANCZOS_TOL = 1e-10


def lanczos_minimum_spectrum(hessian, zero_modes, zero_rtol):
    """The spectrum statistics of a minimum from a Cholesky factorisation and Lanczos.

    Parameters
    ----------
    hessian : ndarray of shape (n, n)
        Symmetric Hessian at the candidate minimum (``n >= 3``).
    zero_modes : ndarray of shape (n_zero, n)
        Orthonormal rows spanning the exact zero modes (``n_zero`` may be 0).
    zero_rtol : float
        Eigenvalues with ``|lambda| <= zero_rtol * max(1, lambda_max)`` count as zero.

    Returns
    -------
    dict or None
        ``None`` when the point is not an isolated minimum (a negative
        eigenvalue, or a zero eigenvalue beyond the known zero modes);
        otherwise ``eigenvalues`` (ascending: the zero modes' Rayleigh
        quotients, ``lambda_min``, ``lambda_max``), ``eigenvectors`` (columns,
        matching), ``log_hessian_product``, ``min_eigenvalue``,
        ``max_eigenvalue``, ``trace`` (of the positive modes) and ``n_modes``.

    Raises
    ------
    scipy.sparse.linalg.ArpackNoConvergence
        When a Lanczos run does not converge (the caller diagonalises instead).
    """
    hessian = np.asarray(hessian, dtype=float)
    zero_modes = np.asarray(zero_modes, dtype=float).reshape(-1, hessian.shape[0])
    n, n_zero = hessian.shape[0], zero_modes.shape[0]
    start = np.random.default_rng(0).standard_normal(n)
    top, top_vector = eigsh(hessian, k=1, which="LA", v0=start, tol=LANCZOS_TOL)
    lambda_max = float(top[0])
    zero_tol = zero_rtol * max(1.0, abs(lambda_max))
    images = hessian @ zero_modes.T
    if np.any(np.linalg.norm(images, axis=0) > zero_tol):
        return None
    shift = 2.0 * max(1.0, lambda_max)
    lifted = hessian + shift * (zero_modes.T @ zero_modes)
    try:
        factor = cho_factor(lifted, check_finite=False)
    except LinAlgError:
        return None
    inverse = LinearOperator(
        (n, n), matvec=lambda v: cho_solve(factor, v, check_finite=False), dtype=float
    )
    bottom, bottom_vector = eigsh(inverse, k=1, which="LA", v0=start, tol=LANCZOS_TOL)
    lambda_min = 1.0 / float(bottom[0]) if bottom[0] > 0 else 0.0
    if lambda_min <= zero_tol:
        return None
    quotients = np.einsum("kn,nk->k", zero_modes, images)
    log_det = 2.0 * float(np.sum(np.log(np.diag(factor[0]))))
    order = np.argsort(quotients, kind="stable")
    return {
        "eigenvalues": np.concatenate([quotients[order], [lambda_min, lambda_max]]),
        "eigenvectors": np.column_stack([zero_modes[order].T, bottom_vector, top_vector]),
        "log_hessian_product": log_det - n_zero * np.log(shift),
        "min_eigenvalue": lambda_min,
        "max_eigenvalue": lambda_max,
        "trace": float(np.trace(hessian) - np.sum(quotients)),
        "n_modes": n - n_zero,
    }
