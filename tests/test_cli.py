"""The ``sklandscape`` command line: outputs, progress line and one-line errors."""

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import sklandscape
from sklandscape.cli import _LiveLine, main

EXPLORE_TINY = ["--n-hops", "4", "--n-chains", "2"]


def run(argv, capsys):
    """``main(argv)`` -> (exit status, stdout, stderr)."""
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def assert_one_line_error(status, err, *fragments):
    assert status == 2
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("sklandscape: error: ")
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.fixture
def blobs_csv(tmp_path):
    """Three well separated blobs in 2-D, with a class column, as a CSV file."""
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 0.0], [5.0, 0.0], [0.0, 5.0]])
    X = np.vstack([c + 0.3 * rng.standard_normal((15, 2)) for c in centres])
    y = np.repeat([0, 1, 2], 15)
    path = tmp_path / "blobs.csv"
    rows = ["a,b,label"] + [f"{u:.6f},{v:.6f},{c}" for (u, v), c in zip(X, y, strict=True)]
    path.write_text("\n".join(rows) + "\n")
    return path, X


# ------------------------------------------------------------------ errors
def test_missing_file(tmp_path, capsys):
    missing = tmp_path / "nowhere.csv"
    status, out, err = run(["explore", "kmeans", "--data", str(missing)], capsys)
    assert_one_line_error(status, err, "no such file", "nowhere.csv")
    assert out == ""


def test_missing_landscape_file(tmp_path, capsys):
    status, _, err = run(["show", str(tmp_path / "gone.npz")], capsys)
    assert_one_line_error(status, err, "no such file")


def test_csv_with_non_numeric_column(tmp_path, capsys):
    path = tmp_path / "words.csv"
    path.write_text("x,colour,y\n1.0,red,0\n2.0,blue,1\n")
    status, _, err = run(["explore", "kmeans", "--data", str(path)], capsys)
    assert_one_line_error(status, err, "'colour'", "not numeric", "row 2")


def test_csv_with_missing_value(tmp_path, capsys):
    path = tmp_path / "holes.csv"
    path.write_text("x,z,y\n1.0,2.0,0\n2.0,,1\n")
    status, _, err = run(["explore", "kmeans", "--data", str(path)], capsys)
    assert_one_line_error(status, err, "missing value", "'z'", "row 3")


def test_csv_with_unknown_target(blobs_csv, capsys):
    path, _ = blobs_csv
    status, _, err = run(["explore", "mlp", "--data", str(path), "--target", "nope"], capsys)
    assert_one_line_error(status, err, "no column 'nope'")


def test_unknown_dataset(capsys):
    status, _, err = run(["explore", "kmeans", "--data", "no_such_dataset"], capsys)
    assert_one_line_error(status, err, "unknown dataset 'no_such_dataset'", "iris")


def test_unknown_model(capsys):
    status, _, err = run(["explore", "svm", "--data", "iris"], capsys)
    assert_one_line_error(status, err, "unknown model 'svm'", "kmeans")


def test_classifier_on_a_continuous_target(capsys):
    status, _, err = run(["explore", "mlp", "--data", "diabetes"] + EXPLORE_TINY, capsys)
    assert_one_line_error(status, err, "continuous")


def test_bad_option_value(capsys):
    status, _, err = run(["explore", "kmeans", "--data", "iris", "--n-hops", "many"], capsys)
    assert_one_line_error(status, err, "--n-hops")


def test_not_a_landscape_file(tmp_path, capsys):
    path = tmp_path / "fake.npz"
    path.write_bytes(b"this is not a landscape")
    status, _, err = run(["show", str(path)], capsys)
    assert_one_line_error(status, err, "not a landscape file")


@pytest.mark.parametrize("command", ["show", "plot"])
def test_a_csv_file_is_not_a_landscape_file(blobs_csv, command, tmp_path, capsys):
    # np.load reads a text file as a pickle and answers with its allow_pickle advice
    path, _ = blobs_csv
    argv = [command, str(path)]
    if command == "plot":
        argv += ["--kind", "heat-capacity", "--out", str(tmp_path / "cv.png")]
    status, out, err = run(argv, capsys)
    assert_one_line_error(status, err, str(path), "not a landscape file", "landscape.npz")
    assert "pickle" not in err
    assert out == ""
    assert not (tmp_path / "cv.png").exists()


@pytest.mark.parametrize("command", [["explore", "kmeans", "--data", "iris"], ["demo"]])
def test_zero_workers_is_refused_in_the_clis_own_words(command, tmp_path, capsys):
    status, out, err = run(command + ["--n-jobs", "0", "--out", str(tmp_path / "o")], capsys)
    assert_one_line_error(status, err, "--n-jobs", "0 workers", "-1 for every core")
    assert "Parallel" not in err  # not joblib's "n_jobs == 0 in Parallel has no meaning"
    assert not (tmp_path / "o").exists()


def help_text(argv, capsys):
    """What ``sklandscape ARGV --help`` prints."""
    with pytest.raises(SystemExit) as exit_info:
        main(argv + ["--help"])
    assert exit_info.value.code == 0
    return " ".join(capsys.readouterr().out.split())


def test_explore_help_shows_the_defaults(capsys):
    import inspect

    text = help_text(["explore"], capsys)
    assert "--n-clusters K K for kmeans (default: 3)" in text
    estimators = {
        "kmeans": sklandscape.LandscapeKMeans,
        "gp": sklandscape.LandscapeGPRegressor,
        "mlp": sklandscape.LandscapeMLPClassifier,
    }
    # the defaults quoted are the estimators' own
    hops, chains = [], []
    for model, estimator in estimators.items():
        parameters = inspect.signature(estimator).parameters
        hops.append(f"{model} {parameters['n_hops'].default}")
        chains.append(f"{model} {parameters['n_chains'].default}")
    assert f"steps per chain (default: {', '.join(hops)})" in text
    assert f"basin-hopping chains (default: {', '.join(chains)})" in text
    alpha = inspect.signature(sklandscape.LandscapeMLPClassifier).parameters["alpha"].default
    assert f"mlp L2 penalty (default: {alpha:g})" in text
    assert "--random-state SEED seed (default: 0)" in text
    assert "-1: every core (default: 1)" in text


@pytest.mark.parametrize("command", ["show", "plot"])
def test_show_and_plot_explain_their_file_argument(command, capsys):
    text = help_text([command], capsys)
    assert "FILE a landscape.npz written by 'sklandscape explore' or 'sklandscape demo'" in text


def test_python_dash_m_reports_one_line_without_traceback(tmp_path):
    """The module entry point: a real process, its exit status and its stderr."""
    source_root = str(Path(sklandscape.__file__).resolve().parents[1])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([source_root, os.environ.get("PYTHONPATH", "")]),
    }
    result = subprocess.run(
        [sys.executable, "-m", "sklandscape", "explore", "kmeans", "--data", "wine.csv"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["sklandscape: error: no such file: wine.csv"]
    assert result.stdout == ""


# --------------------------------------------------------------- commands
@pytest.fixture
def explored(blobs_csv, tmp_path_factory, capsys):
    """``sklandscape explore kmeans`` on the blobs; its output folder and outputs."""
    path, X = blobs_csv
    out = tmp_path_factory.mktemp("kmeans-out")
    argv = ["explore", "kmeans", "--data", str(path), "--n-clusters", "3", "--out", str(out)]
    status, stdout, stderr = run(argv + EXPLORE_TINY, capsys)
    assert status == 0, stderr
    return out, X, stdout, stderr


def test_explore_writes_landscape_summary_and_figures(explored):
    from sklearn.cluster import KMeans
    from sklearn.preprocessing import StandardScaler

    from sklandscape import Landscape

    out, X, stdout, _ = explored
    landscape = Landscape.load(out / "landscape.npz")
    summary = json.loads((out / "summary.json").read_text())
    assert summary["model"] == "kmeans"
    assert summary["n_minima"] == landscape.n_minima
    assert summary["n_transition_states"] == landscape.n_transition_states
    # the CLI standardises the features; scikit-learn's best of 10 restarts on the same
    # data is an independent upper bound on the global minimum (inertia per sample)
    Xs = StandardScaler().fit_transform(X)
    best = KMeans(3, n_init=10, random_state=0).fit(Xs).inertia_ / len(Xs)
    assert landscape.minima.energy[0] <= best * (1 + 1e-9)
    assert landscape.minima.energy[0] == pytest.approx(best, rel=1e-6)
    for name in ("heat_capacity.png", "landscape.npz", "summary.json"):
        assert (out / name).is_file()
    assert "kmeans" in stdout and "minima" in stdout


def test_explore_reports_progress_on_stderr(explored):
    *_, stderr = explored
    lines = [line for line in stderr.splitlines() if "hops" in line]
    assert lines, stderr
    assert all("minima" in line and "TS" in line for line in lines)


@pytest.fixture(scope="module")
def saved_muller_brown(tmp_path_factory):
    """The Müller-Brown landscape (3 minima, 2 transition states) saved to a file."""
    from sklandscape.surfaces import MullerBrown

    landscape = sklandscape.explore(MullerBrown(), n_hops=15, n_chains=4, random_state=3)
    path = tmp_path_factory.mktemp("saved") / "muller-brown.npz"
    landscape.save(path)
    return path, landscape


def test_show_prints_the_summary(saved_muller_brown, capsys):
    path, landscape = saved_muller_brown
    status, stdout, _ = run(["show", str(path)], capsys)
    assert status == 0
    assert "n_minima: 3" in stdout and "n_transition_states: 2" in stdout
    assert f"global_minimum_energy: {landscape.minima.energy[0]}" in stdout


@pytest.mark.parametrize("kind", ["disconnectivity", "heat-capacity"])
def test_plot_writes_a_png(saved_muller_brown, kind, tmp_path, capsys):
    import matplotlib.image

    path, _ = saved_muller_brown
    png = tmp_path / f"{kind}.png"
    status, stdout, err = run(["plot", str(path), "--kind", kind, "--out", str(png)], capsys)
    assert status == 0, err
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    height, width, _ = matplotlib.image.imread(png).shape
    assert height > 100 and width > 100
    assert str(png) in stdout


def test_plot_disconnectivity_without_transition_states(tmp_path, capsys):
    landscape = sklandscape.Landscape.from_arrays([0.0, 1.0], [], [])
    landscape.save(tmp_path / "minima-only.npz")
    argv = ["plot", str(tmp_path / "minima-only.npz"), "--kind", "disconnectivity"]
    status, _, err = run(argv + ["--out", str(tmp_path / "d.png")], capsys)
    assert_one_line_error(status, err, "no transition states")
    assert not (tmp_path / "d.png").exists()


def test_quick_demo_runs_every_estimator(tmp_path, capsys):
    status, stdout, err = run(["demo", "--quick", "--out", str(tmp_path)], capsys)
    assert status == 0, err
    titles = {
        "kmeans": "K-means (K = 3) on scikit-learn iris",
        "gp": "GP (RBF + white noise) on three-scales (generated)",
        "mlp": "MLP (hidden 3) on scikit-learn iris",
    }
    for model, title in titles.items():
        summary = json.loads((tmp_path / model / "summary.json").read_text())
        assert summary["model"] == model
        assert summary["n_minima"] >= 1
        assert (tmp_path / model / "heat_capacity.png").is_file()
        # the saved landscape names itself, so 'sklandscape plot' titles it too
        landscape = sklandscape.Landscape.load(tmp_path / model / "landscape.npz")
        assert landscape.metadata["title"] == title
    table = stdout[stdout.index("model") :]
    assert all(model in table for model in ("kmeans", "gp", "mlp"))


def test_the_demos_gp_problem_has_the_optima_restarts_find(tmp_path, capsys):
    """three-scales: the landscape's minima are the optima L-BFGS restarts reach, all three."""
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import RBF, WhiteKernel
    from sklearn.gaussian_process.kernels import ConstantKernel as C
    from sklearn.preprocessing import StandardScaler

    from sklandscape.cli import _three_scales

    out = tmp_path / "gp"
    argv = ["explore", "gp", "--data", "three-scales", "--n-hops", "15", "--n-chains", "2"]
    status, _, err = run(argv + ["--out", str(out)], capsys)
    assert status == 0, err
    landscape = sklandscape.Landscape.load(out / "landscape.npz")
    # scikit-learn's own optimiser from length scales across the range, on the same data
    X, y = _three_scales()
    X = StandardScaler().fit_transform(X)
    optima = set()
    for length_scale in (0.03, 0.1, 1.0):
        kernel = C(1.0) * RBF(length_scale) + WhiteKernel(0.1)
        gp = GaussianProcessRegressor(kernel, normalize_y=True).fit(X, y)
        optima.add(round(-gp.log_marginal_likelihood_value_, 3))
    assert len(optima) == 3
    np.testing.assert_allclose(landscape.minima.energy, sorted(optima), atol=2e-3)
    assert landscape.n_transition_states >= 2  # the three optima are joined
    assert len(landscape.heat_capacity_peaks()) >= 1
    assert (out / "disconnectivity.png").is_file()


# ------------------------------------------------------------ live line
class _Terminal(io.StringIO):
    def isatty(self):
        return True


def _progress_record(**progress):
    record = logging.LogRecord("sklandscape", logging.INFO, __file__, 1, "msg", (), None)
    record.progress = progress
    return record


def test_live_line_rewrites_one_line_on_a_terminal():
    terminal = _Terminal()
    line = _LiveLine(terminal, interval=60)
    line.begin("mlp on iris")
    found = dict(minima=37, transition_states=0)
    line.emit(
        _progress_record(
            stage="basin-hopping", hops=400, seconds=4.0, connection_attempts=0, **found
        )
    )
    assert "hops 400 (100/s)" in terminal.getvalue().split("\r\033[K")[-1]
    found["transition_states"] = 12
    line.emit(
        _progress_record(
            stage="connecting", hops=400, seconds=9.0, connection_attempts=25, **found
        )
    )
    line.end()
    text = terminal.getvalue()
    assert text.endswith("\n") and text.count("\n") == 1
    last = text.rstrip("\n").split("\r\033[K")[-1]
    assert last.startswith("mlp on iris")
    # 25 pairs in the 5 s since basin-hopping ended: 5 per second
    for fragment in ("connecting", "hops 400", "pairs 25 (5/s)", "minima 37", "TS 12"):
        assert fragment in last


def test_live_line_writes_plain_lines_elsewhere():
    log = io.StringIO()
    line = _LiveLine(log)
    line.begin("kmeans on iris")
    counts = dict(minima=3, transition_states=0, connection_attempts=0)
    # 10 hops in 2 s
    line.emit(_progress_record(stage="basin-hopping", hops=10, seconds=2.0, **counts))
    line.emit(_progress_record(stage="finished", hops=10, seconds=2.5, **counts))
    line.end()
    lines = log.getvalue().splitlines()
    assert len(lines) == 2 and "\033" not in log.getvalue()
    assert "hops 10 (5/s)" in lines[0] and "finished" in lines[1]
