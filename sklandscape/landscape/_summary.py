"""Headline metrics of a landscape as a JSON-ready dict."""

import numpy as np

from ._checks import check_temperature

__all__ = ["SummaryMixin"]


class SummaryMixin:
    """:meth:`summary` (mixed into Landscape)."""

    def summary(self, T=None):
        """Headline metrics: counts, global minimum, funnels, degrees, C_V peak, frustration.

        Parameters
        ----------
        T : float, optional
            Reference temperature for entropy and frustration. Default: the
            temperature of the highest heat-capacity peak, or 1.0 when C_V has
            no peak (a single minimum, or degenerate minima).

        Returns
        -------
        summary : dict
            Plain Python numbers (``None`` where undefined), keys ``n_minima``,
            ``n_transition_states``, ``n_params``, ``global_minimum``,
            ``global_minimum_energy``, ``n_connected_components``,
            ``n_monotonic_sequence_basins``, ``degree_mean``, ``degree_max``,
            ``hub`` (the minimum of highest degree), ``n_heat_capacity_peaks``,
            ``heat_capacity_peak_temperature``, ``heat_capacity_peak_height``,
            ``reference_temperature``, ``entropy``, ``frustration``,
            ``frustration_normalized``.

        Examples
        --------
        >>> from sklandscape import Landscape
        >>> ls = Landscape.from_arrays([0.0, 1.0, 0.5], [2.0, 1.5], [[0, 1], [1, 2]])
        >>> ls.summary()["n_monotonic_sequence_basins"]
        2
        """
        if self.n_minima == 0:
            raise ValueError("the landscape has no minima.")
        peaks = self.heat_capacity_peaks()
        main = max(peaks, key=lambda p: p.height) if peaks else None
        if T is None:
            T = main.temperature if main is not None else 1.0
        temperatures, scalar = check_temperature(T)
        if not scalar:
            raise ValueError("summary needs a single reference temperature T.")
        T = float(temperatures[0])
        degree = self.degree()
        g = self.global_minimum
        return {
            "n_minima": int(self.n_minima),
            "n_transition_states": int(self.n_transition_states),
            "n_params": int(self.n_params),
            "global_minimum": int(g),
            "global_minimum_energy": float(self.minima.energy[g]),
            "n_connected_components": len(self.connected_components()),
            "n_monotonic_sequence_basins": len(self.monotonic_sequence_basins()),
            "degree_mean": float(np.mean(degree)),
            "degree_max": int(degree.max()),
            "hub": int(np.argmax(degree)),
            "n_heat_capacity_peaks": len(peaks),
            "heat_capacity_peak_temperature": None if main is None else main.temperature,
            "heat_capacity_peak_height": None if main is None else main.height,
            "reference_temperature": T,
            "entropy": float(self.entropy(T)),
            "frustration": float(self.frustration(T)),
            "frustration_normalized": float(self.frustration(T, normalized=True)),
        }
