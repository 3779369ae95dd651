"""Flatness of minima: Hessian spectrum summaries as a measure of robustness.

Near a minimum ``x*`` with Hessian ``H`` a perturbation ``p`` of the
parameters raises the loss by ``DeltaE = 1/2 p^T H p + O(|p|^3)``. Flat
minima (small eigenvalues) lose little under perturbation, which is linked
to generalisation (Hochreiter & Schmidhuber, Neural Comput. 9, 1 (1997);
Keskar et al., ICLR 2017; Niroomand et al., Digital Discovery 2024,
section 5.3), although the link is not universal (Dinh et al., ICML 2017:
reparametrisation can change flatness without changing the function).
"""

import numpy as np

__all__ = ["FlatnessMixin"]

#: Minima columns stored by the exploration engine (free subspace, zero modes excluded).
_SPECTRUM_COLUMNS = {
    "max_eigenvalue": "hessian_max_eigenvalue",
    "min_eigenvalue": "hessian_min_eigenvalue",
    "trace": "hessian_trace",
}


class FlatnessMixin:
    """Per-minimum Hessian spectrum summaries (mixed into Landscape)."""

    def flatness(self, radius=None):
        r"""Hessian spectrum summaries of every minimum.

        A displacement ``p`` from minimum ``a`` raises the loss by

        .. math:: \Delta E = \tfrac{1}{2} p^T H_a p + O(\lVert p \rVert^3),

        so with eigenvalues :math:`0 < \lambda_1 \le \dots \le \lambda_n`:
        the worst direction of length ``r`` costs :math:`\tfrac12 \lambda_n r^2`,
        and a direction drawn uniformly on the sphere of radius ``r`` costs on
        average :math:`\tfrac12 r^2 \operatorname{tr}(H_a) / \kappa`
        (:math:`\kappa` = ``n_params``; exact zero modes contribute nothing).
        The log product :math:`\sum_i \log \lambda_i` measures the basin's
        harmonic volume, :math:`\propto \prod_i \lambda_i^{-1/2}`.

        Parameters
        ----------
        radius : float, optional
            When given, add the worst-case and mean loss rises for
            displacements of this length.

        Returns
        -------
        flatness : dict of ndarray of shape (n_min,)
            ``"log_hessian_product"`` always; ``"max_eigenvalue"``,
            ``"min_eigenvalue"`` and ``"trace"`` when the landscape stores them
            (explored landscapes do; :meth:`from_arrays` ones do not); with
            ``radius``, ``"worst_case_rise"`` and ``"mean_rise"`` (when the
            largest eigenvalue and the trace are stored).

        Raises
        ------
        ValueError
            If ``radius`` is negative or not finite.

        Examples
        --------
        >>> from sklandscape import Landscape
        >>> ls = Landscape.from_arrays([0.0, 1.0], [2.0], [[0, 1]],
        ...                            minima_log_hessian_product=[0.5, 2.0])
        >>> ls.flatness()["log_hessian_product"].tolist()
        [0.5, 2.0]
        """
        result = {"log_hessian_product": np.array(self.minima.log_hessian_product, dtype=float)}
        for name, column in _SPECTRUM_COLUMNS.items():
            if column in self.minima:
                result[name] = np.array(self.minima[column], dtype=float)
        if radius is not None:
            radius = float(radius)
            if not np.isfinite(radius) or radius < 0:
                raise ValueError(f"radius must be finite and non-negative, got {radius!r}.")
            if "max_eigenvalue" in result:
                result["worst_case_rise"] = 0.5 * result["max_eigenvalue"] * radius**2
            if "trace" in result and self.n_params > 0:
                result["mean_rise"] = 0.5 * result["trace"] * radius**2 / self.n_params
        return result
