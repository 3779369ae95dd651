"""PATHSAMPLE exchange: file format, lossless round trips, foreign databases."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from shared import landscapes

from sklandscape import Landscape


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ls=landscapes(with_x=True))
def test_round_trip_is_lossless(tmp_path, ls):
    ls.to_pathsample(tmp_path)
    back = Landscape.from_pathsample(tmp_path)
    assert back.n_params == ls.n_params
    for name in ("energy", "log_hessian_product", "x"):
        np.testing.assert_array_equal(back.minima[name], ls.minima[name])
        np.testing.assert_array_equal(back.transition_states[name], ls.transition_states[name])
    np.testing.assert_array_equal(back.transition_states.minima, ls.transition_states.minima)
    np.testing.assert_array_equal(back.minima.pgorder, 1)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ls=landscapes())
def test_round_trip_without_coordinates(tmp_path, ls):
    ls.to_pathsample(tmp_path / "db", coordinates=False)
    back = Landscape.from_pathsample(tmp_path / "db", n_params=ls.n_params)
    np.testing.assert_array_equal(back.minima.energy, ls.minima.energy)
    np.testing.assert_array_equal(back.transition_states.energy, ls.transition_states.energy)
    np.testing.assert_array_equal(
        back.transition_states.log_hessian_product, ls.transition_states.log_hessian_product
    )
    np.testing.assert_array_equal(back.transition_states.minima, ls.transition_states.minima)
    assert back.n_params == ls.n_params


def test_file_layout(tmp_path):
    ls = Landscape.from_arrays(
        [-1.5, 0.25], [3.0], [[1, 0]], minima_log_hessian_product=[2.0, 1e-20]
    )
    ls.to_pathsample(tmp_path)
    min_lines = (tmp_path / "min.data").read_text().splitlines()
    ts_lines = (tmp_path / "ts.data").read_text().splitlines()
    assert [line.split() for line in min_lines] == [
        ["-1.5", "2.0", "1", "0.0", "0.0", "0.0"],
        ["0.25", "1e-20", "1", "0.0", "0.0", "0.0"],
    ]
    assert ts_lines[0].split() == ["3.0", "0.0", "1", "2", "1", "0.0", "0.0", "0.0"]
    assert not (tmp_path / "points.min").exists()  # no coordinates known


def write_foreign_database(directory):
    """A hand-written database: Fortran D exponents, point-group orders, 3-column minima."""
    (directory / "min.data").write_text(
        "  -0.1000000000D+01   0.2000000000D+01   2   1.0 2.0 3.0\n"
        "  -0.1000000000D+01   0.2000000000D+01   1\n"
        "\n"
        "  -0.5000000000E+00   0.1000000000E+01   1   0.0 0.0 0.0\n"
    )
    (directory / "ts.data").write_text(
        "0.5 1.5 1 1 2 0 0 0\n0.7 1.0 2 2 3 0 0 0\n0.9 1.0 1 3 3 0 0 0\n"
    )


def test_foreign_database_and_point_group_orders(tmp_path):
    write_foreign_database(tmp_path)
    ls = Landscape.from_pathsample(tmp_path)
    np.testing.assert_array_equal(ls.minima.energy, [-1.0, -1.0, -0.5])
    np.testing.assert_array_equal(ls.minima.pgorder, [2, 1, 1])
    np.testing.assert_array_equal(ls.transition_states.minima, [[0, 1], [1, 2], [2, 2]])
    assert ls.n_params == 0
    # Z_a ∝ exp(-E/T - fvib/2) / pgorder: the degenerate pair splits 1 : 2.
    p = ls.occupation_probabilities(1.0)
    assert p[1] / p[0] == pytest.approx(2.0, rel=1e-14)
    # Each TS rate carries o_a / o_t, so detailed balance holds TS by TS.
    for T in (0.3, 1.7):
        p = ls.occupation_probabilities(T)
        forward, backward = ls._log_ts_rates(T, np.arange(2))
        np.testing.assert_allclose(
            p[[0, 1]] * np.exp(forward), p[[1, 2]] * np.exp(backward), rtol=1e-12
        )
    k01 = np.exp(ls._log_ts_rates(1.0, np.array([0]))[0][0])
    expected = 2 * np.exp((2.0 - 1.5) / 2 - (0.5 - (-1.0)) / 1.0) / (2 * np.pi)  # o_a / o_t = 2
    assert k01 == pytest.approx(expected, rel=1e-13)
    # Orders survive a write and read.
    ls.to_pathsample(tmp_path / "copy")
    again = Landscape.from_pathsample(tmp_path / "copy")
    np.testing.assert_array_equal(again.minima.pgorder, [2, 1, 1])
    np.testing.assert_array_equal(again.transition_states.pgorder, [1, 2, 1])


def test_bad_databases_raise(tmp_path):
    with pytest.raises(FileNotFoundError):
        Landscape.from_pathsample(tmp_path)
    (tmp_path / "min.data").write_text("0.0 1.0\n")
    with pytest.raises(ValueError, match="at least 3 columns"):
        Landscape.from_pathsample(tmp_path)
    (tmp_path / "min.data").write_text("0.0 1.0 1\nzero 1.0 1\n")
    with pytest.raises(ValueError, match="min.data:2"):
        Landscape.from_pathsample(tmp_path)
    (tmp_path / "min.data").write_text("0.0 1.0 1.5\n")
    with pytest.raises(ValueError, match="pgorder"):
        Landscape.from_pathsample(tmp_path)
    (tmp_path / "min.data").write_text("0.0 1.0 1\n1.0 1.0 1\n")
    (tmp_path / "ts.data").write_text("2.0 1.0 1 1 3\n")
    with pytest.raises(ValueError, match="range"):
        Landscape.from_pathsample(tmp_path)
    (tmp_path / "ts.data").write_text("2.0 1.0 1 1 2\n")
    np.arange(5, dtype=np.float64).tofile(tmp_path / "points.min")
    with pytest.raises(ValueError, match="points.min"):
        Landscape.from_pathsample(tmp_path)
    with pytest.raises(ValueError, match="n_params"):
        Landscape.from_pathsample(tmp_path, n_params=-1)
