"""The Landscape container: save/load round trips and clear errors on bad input."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from shared import landscapes

from sklandscape import Landscape


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ls=landscapes(extra_columns=True))
def test_save_load_round_trip_is_lossless(tmp_path, ls):
    path = tmp_path / "landscape.npz"
    ls.save(path)
    back = Landscape.load(path)
    assert back.n_params == ls.n_params and back.metadata == ls.metadata
    for table, original in (
        (back.minima, ls.minima),
        (back.transition_states, ls.transition_states),
    ):
        assert table.columns == original.columns
        for name in original.columns:
            np.testing.assert_array_equal(table[name], original[name])
            assert table[name].dtype == original[name].dtype
    # Analyses agree exactly on the loaded copy.
    np.testing.assert_array_equal(back.heat_capacity([0.5, 2.0]), ls.heat_capacity([0.5, 2.0]))
    assert back.monotonic_sequence_basins() == ls.monotonic_sequence_basins()


def test_from_arrays_rejects_inconsistent_input():
    with pytest.raises(ValueError, match="shape"):
        Landscape.from_arrays([0.0, 1.0], [2.0, 3.0], [[0, 1]])
    with pytest.raises(ValueError, match="range"):
        Landscape.from_arrays([0.0, 1.0], [2.0], [[0, 2]])
    with pytest.raises(ValueError, match="range"):
        Landscape.from_arrays([0.0, 1.0], [2.0], [[-1, 1]])
    with pytest.raises(ValueError, match="below a minimum"):
        Landscape.from_arrays([0.0, 1.0], [0.5], [[0, 1]])
    with pytest.raises(ValueError, match="entries"):
        Landscape.from_arrays([0.0, 1.0], [2.0], [[0, 1]], minima_log_hessian_product=[1.0])
    with pytest.raises(ValueError, match="finite"):
        Landscape.from_arrays([0.0, np.nan], [], [])
    with pytest.raises(ValueError, match="integer"):
        Landscape.from_arrays([0.0, 1.0], [2.0], [[0, 0.5]])
    with pytest.raises(ValueError, match="shape"):
        Landscape.from_arrays([0.0], [], [], n_params=2, minima_x=[[1.0]])


def test_load_rejects_foreign_and_corrupt_files(tmp_path):
    with pytest.raises(FileNotFoundError):
        Landscape.load(tmp_path / "missing.npz")
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"not a zip archive")
    with pytest.raises(ValueError, match="not a readable"):
        Landscape.load(garbage)
    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, a=np.arange(3))
    with pytest.raises(ValueError, match="not a sklandscape"):
        Landscape.load(foreign)
    good = tmp_path / "good.npz"
    Landscape.from_arrays([0.0, 1.0], [2.0], [[0, 1]]).save(good)
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(good.read_bytes()[:100])
    with pytest.raises(ValueError):
        Landscape.load(truncated)


def test_analyses_of_an_empty_landscape_raise():
    empty = Landscape.from_arrays([], [], [])
    assert "0 minima" in repr(empty)
    with pytest.raises(ValueError, match="no minima"):
        empty.heat_capacity(1.0)
    with pytest.raises(ValueError, match="no minima"):
        empty.summary()
