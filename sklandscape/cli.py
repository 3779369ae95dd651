"""The ``sklandscape`` command line.

::

    sklandscape demo [--out DIR]
    sklandscape explore MODEL --data NAME|FILE.csv [--target COL] [options] [--out DIR]
    sklandscape show FILE
    sklandscape plot FILE --kind disconnectivity|heat-capacity --out PNG

Every error a user can cause (a missing file, a bad CSV, an unknown dataset or
model) is reported as one line on standard error with exit status 2, never
as a traceback.
"""

import argparse
import json
import logging
import sys
import threading
import time
import zipfile
from pathlib import Path

__all__ = ["main"]

MODELS = ("kmeans", "gp", "mlp")
#: Fewer samples per class than this and an mlp target is taken for a continuous one.
MIN_SAMPLES_PER_CLASS = 5
#: A GP explores at most this many samples unless --max-samples says otherwise.
GP_MAX_SAMPLES = 500
PLOT_KINDS = ("disconnectivity", "heat-capacity")
#: Defaults of the estimators the CLI builds, shown by ``--help`` (tests check them).
ESTIMATOR_DEFAULTS = {
    "kmeans": {"n_hops": 50, "n_chains": 4},
    "gp": {"n_hops": 25, "n_chains": 4},
    "mlp": {"n_hops": "auto", "n_chains": 4, "alpha": 1e-4},
}
#: Datasets the CLI generates (see _three_scales): name -> description.
GENERATED_DATASETS = {
    "three-scales": "80 noisy samples of sin x + 0.5 sin 4x + 0.3 sin 15x on [0, 10]",
}
LANDSCAPE_FILE_HELP = "a landscape.npz written by 'sklandscape explore' or 'sklandscape demo'"


class CommandError(Exception):
    """An error the user can fix; printed as one line, exit status 2."""


class _OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line on stderr."""

    def error(self, message):
        raise CommandError(f"{message} (see '{self.prog} --help')")


def _by_model(key):
    """``"kmeans 50, gp 25, mlp 30"``: each estimator's default of ``key``."""
    return ", ".join(f"{m} {d[key]}" for m, d in ESTIMATOR_DEFAULTS.items() if key in d)


def _n_jobs(text):
    """``--n-jobs``: a nonzero integer (negative counts back from all cores)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value == 0:
        raise argparse.ArgumentTypeError(
            "0 workers cannot run anything: give 1 or more, or -1 for every core"
        )
    return value


N_JOBS_HELP = "parallel workers; -1: every core (default: 1)"


def _build_parser():
    parser = _OneLineParser(
        prog="sklandscape",
        description="Explore the loss landscapes of scikit-learn models: minima, transition "
        "states, heat capacity, disconnectivity graphs.",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_OneLineParser)

    demo = commands.add_parser(
        "demo",
        help="explore K-means and an MLP on iris, a GP on the generated three-scales signal",
    )
    demo.add_argument(
        "--out",
        default="sklandscape-demo",
        metavar="DIR",
        help="output folder (default: %(default)s)",
    )
    demo.add_argument("--n-jobs", type=_n_jobs, default=None, metavar="N", help=N_JOBS_HELP)
    # a few hops per estimator: a smoke test of the whole pipeline (used by the tests)
    demo.add_argument("--quick", action="store_true", help=argparse.SUPPRESS)

    explore = commands.add_parser("explore", help="explore one model's landscape on a dataset")
    explore.add_argument("model", metavar="MODEL", help=f"one of {', '.join(MODELS)}")
    explore.add_argument(
        "--data",
        required=True,
        metavar="NAME|FILE.csv",
        help="a dataset bundled with scikit-learn (iris, wine, diabetes, ...), a CSV file, "
        "or three-scales (generated: " + GENERATED_DATASETS["three-scales"] + ")",
    )
    explore.add_argument(
        "--target", metavar="COL", help="target column of a CSV file (default: the last)"
    )
    explore.add_argument(
        "--n-clusters",
        type=int,
        default=3,
        metavar="K",
        help="K for kmeans (default: %(default)s)",
    )
    explore.add_argument(
        "--hidden",
        type=int,
        nargs="+",
        default=[10],
        metavar="N",
        help="mlp hidden layer sizes (default: 10)",
    )
    explore.add_argument(
        "--alpha",
        type=float,
        default=None,
        help=f"mlp L2 penalty (default: {ESTIMATOR_DEFAULTS['mlp']['alpha']:g})",
    )
    explore.add_argument(
        "--n-hops",
        type=int,
        default=None,
        metavar="N",
        help=f"basin-hopping steps per chain (default: {_by_model('n_hops')})",
    )
    explore.add_argument(
        "--n-chains",
        type=int,
        default=None,
        metavar="N",
        help=f"basin-hopping chains (default: {_by_model('n_chains')})",
    )
    explore.add_argument("--n-jobs", type=_n_jobs, default=None, metavar="N", help=N_JOBS_HELP)
    explore.add_argument(
        "--random-state", type=int, default=0, metavar="SEED", help="seed (default: %(default)s)"
    )
    explore.add_argument(
        "--max-samples",
        type=int,
        default=None,
        metavar="N",
        help=f"explore on a fixed random subsample of this size (gp default: {GP_MAX_SAMPLES})",
    )
    explore.add_argument("--no-connect", action="store_true", help="skip transition states")
    explore.add_argument(
        "--no-standardize", action="store_true", help="use the features as they are"
    )
    explore.add_argument(
        "--out", metavar="DIR", help="output folder (default: sklandscape-MODEL-DATA)"
    )

    show = commands.add_parser("show", help="summarise a saved landscape")
    show.add_argument("file", metavar="FILE", help=LANDSCAPE_FILE_HELP)

    plot = commands.add_parser("plot", help="plot a saved landscape")
    plot.add_argument("file", metavar="FILE", help=LANDSCAPE_FILE_HELP)
    plot.add_argument(
        "--kind",
        required=True,
        choices=PLOT_KINDS,
        help="disconnectivity graph or heat capacity C_V(T) with its C+/C- parts",
    )
    plot.add_argument("--out", required=True, metavar="PNG", help="PNG file to write")
    return parser


# ---------------------------------------------------------------------- data
def _load_dataset(name, target=None):
    """``(X, y, feature_names, description)`` from a bundled dataset or a CSV file."""
    path = Path(name)
    if path.suffix or len(path.parts) > 1 or path.is_file():
        # it names a file, not a bundled dataset
        return _load_csv(path, target)
    if name in GENERATED_DATASETS:
        if target is not None:
            raise CommandError("--target applies to CSV files only")
        X, y = _three_scales()
        return X, y, ["x"], f"{name} (generated)"
    from sklearn import datasets

    loader = getattr(datasets, f"load_{name}", None)
    if loader is None or name in ("files", "svmlight_file", "svmlight_files", "sample_image"):
        bundled = sorted(
            n[len("load_") :]
            for n in dir(datasets)
            if n.startswith("load_")
            and n not in ("load_files", "load_svmlight_file", "load_svmlight_files")
            and "image" not in n
        )
        raise CommandError(
            f"unknown dataset {name!r}: give a CSV file or one of "
            f"{', '.join(bundled + sorted(GENERATED_DATASETS))}"
        )
    if target is not None:
        raise CommandError("--target applies to CSV files only")
    bunch = loader()
    y = bunch.target if bunch.target.ndim == 1 else bunch.target[:, 0]
    return bunch.data, y, list(getattr(bunch, "feature_names", [])), f"scikit-learn {name}"


def _three_scales(n_samples=80, noise=0.1):
    """A 1-D signal with three length scales: ``sin x + 0.5 sin 4x + 0.3 sin 15x`` + noise.

    A Gaussian process with an RBF and a white-noise kernel explains it at
    three length scales (each optimum of the likelihood takes the finer
    waves for noise), so its landscape has several optima joined by
    transition states (Rasmussen & Williams, *Gaussian Processes for Machine
    Learning*, 2006, sec. 5.4.1, on multiple optima of the marginal likelihood).
    """
    import numpy as np

    x = np.sort(np.random.RandomState(0).uniform(0, 10, n_samples))
    y = np.sin(x) + 0.5 * np.sin(4 * x) + 0.3 * np.sin(15 * x)
    y = y + np.random.RandomState(1).normal(0, noise, n_samples)
    return x.reshape(-1, 1), y


def _load_csv(path, target):
    import csv

    import numpy as np

    if not path.is_file():
        raise CommandError(f"no such file: {path}")
    with open(path, newline="") as handle:
        rows = [row for row in csv.reader(handle) if row]
    if len(rows) < 2:
        raise CommandError(f"{path}: a header line and at least one data row are needed")
    header, body = rows[0], rows[1:]
    if any(len(row) != len(header) for row in body):
        raise CommandError(f"{path}: rows have different numbers of columns")
    target = header[-1] if target is None else target
    if target not in header:
        raise CommandError(f"{path}: no column {target!r}; columns are {', '.join(header)}")
    values = np.empty((len(body), len(header)))
    for j, column in enumerate(header):
        for i, row in enumerate(body):
            cell = row[j].strip()
            if cell == "" or cell.lower() in ("na", "nan", "null"):
                raise CommandError(f"{path}: missing value in column {column!r}, row {i + 2}")
            try:
                values[i, j] = float(cell)
            except ValueError:
                raise CommandError(
                    f"{path}: column {column!r} is not numeric (row {i + 2}: {cell!r})"
                ) from None
    t = header.index(target)
    features = [c for j, c in enumerate(header) if j != t]
    return np.delete(values, t, axis=1), values[:, t], features, str(path)


# ------------------------------------------------------------------ models
def _make_estimator(model, args):
    """The estimator for ``model`` with the command-line options applied."""
    import sklandscape as skl

    # verbose=1: the engine reports its progress to the "sklandscape" logger (the live line)
    shared = {"random_state": args.random_state, "n_jobs": args.n_jobs, "verbose": 1}
    if args.n_hops is not None:
        shared["n_hops"] = args.n_hops
    if args.n_chains is not None:
        shared["n_chains"] = args.n_chains
    if args.no_connect:
        shared["connect"] = False
    if model == "kmeans":
        return skl.LandscapeKMeans(n_clusters=args.n_clusters, **shared)
    if model == "gp":
        from sklearn.gaussian_process.kernels import RBF, WhiteKernel
        from sklearn.gaussian_process.kernels import ConstantKernel as C

        kernel = C(1.0) * RBF(1.0) + WhiteKernel(0.1)
        return skl.LandscapeGPRegressor(kernel=kernel, normalize_y=True, **shared)
    if model == "mlp":
        if args.alpha is not None:
            shared["alpha"] = args.alpha
        return skl.LandscapeMLPClassifier(hidden_layer_sizes=tuple(args.hidden), **shared)
    raise CommandError(f"unknown model {model!r}: choose one of {', '.join(MODELS)}")


def _prepare_data(model, X, y, standardize, max_samples=None):
    """Standardised features, a checked target, and a fixed subsample if asked or needed."""
    import numpy as np
    from sklearn.preprocessing import StandardScaler

    if standardize:
        X = StandardScaler().fit_transform(X)
    n_classes = np.unique(y).size
    if model == "mlp" and (
        not np.all(np.mod(y, 1) == 0) or len(y) < MIN_SAMPLES_PER_CLASS * n_classes
    ):
        raise CommandError(
            f"mlp is a classifier: the target looks continuous ({n_classes} distinct values "
            f"in {len(y)} samples); use gp for regression"
        )
    if max_samples is None and model == "gp":
        # A GP costs O(n^3) per likelihood evaluation.
        max_samples = GP_MAX_SAMPLES
    if max_samples is not None:
        if max_samples < 2:
            raise CommandError(f"--max-samples must be at least 2, got {max_samples}")
        if len(y) > max_samples:
            rows = np.sort(np.random.default_rng(0).choice(len(y), max_samples, replace=False))
            X, y = X[rows], y[rows]
    return X, y


# ---------------------------------------------------------------- outputs
def _landscape_summary(landscape):
    """A JSON-ready dict of the landscape's headline numbers."""
    summary = landscape.summary()
    return json.loads(json.dumps(summary, default=_json_default))


def _json_default(value):
    import numpy as np

    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)


def _model_label(model, args):
    """How figure titles name the model: ``"K-means (K = 3)"``, ``"MLP (hidden 3)"``, ..."""
    if model == "kmeans":
        return f"K-means (K = {args.n_clusters})"
    if model == "mlp":
        return f"MLP (hidden {' x '.join(str(n) for n in args.hidden)})"
    return "GP (RBF + white noise)"


def _titled(landscape, title):
    """A copy of ``landscape`` whose metadata names it (the figures' titles)."""
    from .landscape import Landscape

    return Landscape(
        landscape.minima.to_dict(),
        landscape.transition_states.to_dict(),
        landscape.n_params,
        {**landscape.metadata, "title": title},
    )


def _write_figures(landscape, out):
    """Disconnectivity graph and heat capacity (with C+ / C-) as PNG files in ``out``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    if landscape.n_transition_states:
        fig, ax = plt.subplots(figsize=(6, 5))
        landscape.plot_disconnectivity(ax=ax)
        path = out / "disconnectivity.png"
        fig.savefig(path, dpi=120, bbox_inches="tight")
        plt.close(fig)
        written.append(path)
    fig, ax = plt.subplots(figsize=(6, 4))
    landscape.plot_heat_capacity(ax=ax)
    path = out / "heat_capacity.png"
    fig.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(fig)
    written.append(path)
    return written


def _table(rows, columns):
    """Plain-text table of ``rows`` (dicts) under ``columns`` (key, heading) pairs."""
    cells = [[heading for _, heading in columns]]
    for row in rows:
        cells.append([_format_cell(row.get(key)) for key, _ in columns])
    widths = [max(len(line[j]) for line in cells) for j in range(len(columns))]
    lines = [
        "  ".join(cell.rjust(w) for cell, w in zip(line, widths, strict=True)) for line in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _format_cell(value):
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.5g}"
    return str(value)


def _run_model(model, data_name, args, out, stream, progress):
    """Fit one estimator, save its landscape, summary and figures; return a table row."""
    X, y, _, description = _load_dataset(data_name, getattr(args, "target", None))
    X, y = _prepare_data(model, X, y, not args.no_standardize, args.max_samples)
    estimator = _make_estimator(model, args)
    progress.begin(f"{model} on {description}")
    start = time.perf_counter()
    estimator.fit(X) if model == "kmeans" else estimator.fit(X, y)
    seconds = time.perf_counter() - start
    progress.end()
    landscape = _titled(estimator.landscape_, f"{_model_label(model, args)} on {description}")
    out.mkdir(parents=True, exist_ok=True)
    landscape.save(out / "landscape.npz")
    summary = _landscape_summary(landscape)
    summary.update({"model": model, "data": description, "seconds": round(seconds, 3)})
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    figures = _write_figures(landscape, out)
    print(
        f"{model} on {description}: wrote {out}/ ({', '.join(p.name for p in figures)}, "
        "landscape.npz, summary.json)",
        file=stream,
    )
    return summary


#: What ``sklandscape demo`` explores: (model, dataset, settings), each in seconds.
DEMO_JOBS = (
    ("kmeans", "iris", {"n_clusters": 3, "n_hops": 20}),
    # three length scales: three optima of the GP likelihood, two heat-capacity peaks
    ("gp", "three-scales", {"n_hops": 15, "n_chains": 2}),
    ("mlp", "iris", {"hidden": [3], "alpha": 3e-4, "n_hops": 10, "n_chains": 2}),
)
#: Settings of ``demo --quick``: a smoke test of the pipeline in a few seconds.
QUICK = {"n_hops": 3, "n_chains": 2}

SUMMARY_COLUMNS = (
    ("model", "model"),
    ("data", "data"),
    ("n_params", "params"),
    ("n_minima", "minima"),
    ("n_transition_states", "TS"),
    ("global_minimum_energy", "E(global)"),
    ("n_monotonic_sequence_basins", "MSBs"),
    ("heat_capacity_peak_temperature", "C_V peak T"),
    ("seconds", "seconds"),
)


def _demo(args, stream, progress):
    out = Path(args.out)
    rows = []
    for model, data, settings in DEMO_JOBS:
        options = {
            "random_state": 0,
            "n_jobs": args.n_jobs,
            "n_hops": None,
            "n_chains": None,
            "no_connect": False,
            "n_clusters": 3,
            "hidden": [10],
            "alpha": None,
            "target": None,
            "no_standardize": False,
            "max_samples": None,
            **settings,
        }
        if args.quick:
            options.update(QUICK)
        namespace = argparse.Namespace(**options)
        rows.append(_run_model(model, data, namespace, out / model, stream, progress))
    print("\n" + _table(rows, SUMMARY_COLUMNS), file=stream)
    print(f"\nFigures, landscapes and summaries are in {out.resolve()}/", file=stream)


def _explore(args, stream, progress):
    if args.model not in MODELS:
        raise CommandError(f"unknown model {args.model!r}: choose one of {', '.join(MODELS)}")
    data_label = Path(args.data).stem
    out = Path(args.out or f"sklandscape-{args.model}-{data_label}")
    row = _run_model(args.model, args.data, args, out, stream, progress)
    print("\n" + _table([row], SUMMARY_COLUMNS), file=stream)


def _load_landscape(path):
    from .landscape import Landscape

    if not Path(path).is_file():
        raise CommandError(f"no such file: {path}")
    if not zipfile.is_zipfile(path):
        # landscape files are .npz (zip) archives; np.load would take a text file for a pickle
        raise CommandError(f"{path}: not a landscape file (expected {LANDSCAPE_FILE_HELP})")
    try:
        return Landscape.load(path)
    except ValueError as exc:
        raise CommandError(str(exc)) from None


def _show(args, stream, progress):
    landscape = _load_landscape(args.file)
    print(repr(landscape), file=stream)
    for key, value in _landscape_summary(landscape).items():
        print(f"  {key}: {value}", file=stream)


def _plot(args, stream, progress):
    landscape = _load_landscape(args.file)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 5))
    if args.kind == "disconnectivity":
        if landscape.n_transition_states == 0:
            raise CommandError(f"{args.file}: no transition states, so no disconnectivity graph")
        landscape.plot_disconnectivity(ax=ax)
    else:
        landscape.plot_heat_capacity(ax=ax)
    fig.savefig(args.out, dpi=120, bbox_inches="tight")
    plt.close(fig)
    print(f"wrote {args.out}", file=stream)


class _LiveLine(logging.Handler):
    """The engine's progress on standard error while a model is explored.

    The engine attaches its counts to its log records (``record.progress``:
    stage, hops, connection attempts, minima, transition states, seconds). On a terminal they
    feed one status line, redrawn in place every ``interval`` seconds so the
    clock keeps moving between records::

        mlp on scikit-learn iris   12.3 s  connecting  hops 40  pairs 25 (3.1/s)  minima 37  TS 12

    Elsewhere (a pipe, a log file) each record becomes one line of text.
    Records without counts (warnings, debug messages) are written as they are.
    """

    def __init__(self, stream, interval=0.5):
        super().__init__(logging.INFO)
        self.stream = stream
        self.interval = interval
        self.live = hasattr(stream, "isatty") and stream.isatty()
        self._label = None
        self._started = time.perf_counter()
        self._progress = None
        self._hops_seconds = 0.0
        self._stop = threading.Event()
        self._ticker = None

    def begin(self, label):
        """Start following one exploration, named ``label``."""
        with self.lock:
            self._label, self._progress, self._hops_seconds = label, None, 0.0
            self._started = time.perf_counter()
        if self.live:
            self._stop.clear()
            self._ticker = threading.Thread(target=self._tick, daemon=True)
            self._ticker.start()

    def end(self):
        """Stop following: on a terminal, leave the last status line in place."""
        if self._ticker is not None:
            self._stop.set()
            self._ticker.join()
            self._ticker = None
            with self.lock:
                self._draw()
                self.stream.write("\n")
                self.stream.flush()
        self._label = None

    def _tick(self):
        while not self._stop.wait(self.interval):
            with self.lock:
                self._draw()

    def _status(self):
        elapsed = time.perf_counter() - self._started
        parts = [self._label or "sklandscape", f"{elapsed:6.1f} s"]
        progress = self._progress
        if progress is None:
            return "  ".join(parts + ["basin-hopping"])
        hops, pairs = progress["hops"], progress["connection_attempts"]
        parts += [progress["stage"], f"hops {hops}"]
        if progress["stage"] == "basin-hopping":
            parts[-1] += f" ({_per_second(hops, progress['seconds'])})"
        if pairs:
            # the connection stage started when basin-hopping ended
            seconds = progress["seconds"] - self._hops_seconds
            parts.append(f"pairs {pairs} ({_per_second(pairs, seconds)})")
        parts += [f"minima {progress['minima']}", f"TS {progress['transition_states']}"]
        return "  ".join(parts)

    def _draw(self):
        self.stream.write("\r\033[K" + self._status())
        self.stream.flush()

    def emit(self, record):
        progress = getattr(record, "progress", None)
        if progress is not None and self._label is not None:
            self._progress = progress
            if progress["stage"] == "basin-hopping":
                self._hops_seconds = progress["seconds"]
            if self.live:
                self._draw()
            else:
                self.stream.write(self._status() + "\n")
        else:
            prefix = "\r\033[K" if self.live and self._label is not None else ""
            self.stream.write(prefix + self.format(record) + "\n")
        self.stream.flush()


def _per_second(count, seconds):
    """``"12/s"``, or ``"12.5/s"`` below ten per second."""
    rate = count / seconds if seconds > 0 else 0.0
    return f"{rate:.0f}/s" if rate >= 10 else f"{rate:.2g}/s"


COMMANDS = {"demo": _demo, "explore": _explore, "show": _show, "plot": _plot}


def main(argv=None):
    """Run the command line.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments (``None``: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status: 0 on success, 2 on an error the user can fix (one
        line on standard error), 130 when interrupted.
    """
    stream = sys.stdout
    progress = _LiveLine(sys.stderr)
    engine_logger = logging.getLogger("sklandscape")
    level = engine_logger.level
    try:
        args = _build_parser().parse_args(argv)
        engine_logger.addHandler(progress)
        engine_logger.setLevel(logging.INFO)
        try:
            COMMANDS[args.command](args, stream, progress)
        finally:
            progress.end()
            engine_logger.removeHandler(progress)
            engine_logger.setLevel(level)
    except (CommandError, ValueError, TypeError, OSError) as exc:
        print(f"sklandscape: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("sklandscape: interrupted", file=sys.stderr)
        return 130
    return 0


def _one_line(exc):
    """The message of ``exc`` on a single line."""
    return " ".join(str(exc).split()) or type(exc).__name__
