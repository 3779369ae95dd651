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
import time
from pathlib import Path

__all__ = ["main"]

MODELS = ("kmeans", "gp", "mlp")
PLOT_KINDS = ("disconnectivity", "heat-capacity")


class CommandError(Exception):
    """An error the user can fix; printed as one line, exit status 2."""


class _OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line on stderr."""

    def error(self, message):
        raise CommandError(f"{self.prog}: {message} (see --help)")


def _build_parser():
    parser = _OneLineParser(
        prog="sklandscape",
        description="Explore the loss landscapes of scikit-learn models: minima, transition "
        "states, heat capacity, disconnectivity graphs.",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_OneLineParser)

    demo = commands.add_parser("demo", help="explore bundled datasets with every estimator")
    demo.add_argument("--out", default="sklandscape-demo", help="output folder")
    demo.add_argument("--n-jobs", type=int, default=None, help="parallel workers")

    explore = commands.add_parser("explore", help="explore one model's landscape on a dataset")
    explore.add_argument("model", help=f"one of {', '.join(MODELS)}")
    explore.add_argument(
        "--data", required=True, help="a scikit-learn bundled dataset name or a CSV file"
    )
    explore.add_argument("--target", help="target column of a CSV file (default: the last)")
    explore.add_argument("--n-clusters", type=int, default=3, help="K for kmeans")
    explore.add_argument(
        "--hidden", type=int, nargs="+", default=[10], help="hidden layer sizes for mlp"
    )
    explore.add_argument("--alpha", type=float, default=None, help="mlp L2 penalty")
    explore.add_argument("--n-hops", type=int, default=None, help="basin-hopping steps per chain")
    explore.add_argument("--n-chains", type=int, default=None, help="basin-hopping chains")
    explore.add_argument("--n-jobs", type=int, default=None, help="parallel workers")
    explore.add_argument("--random-state", type=int, default=0, help="seed")
    explore.add_argument("--no-connect", action="store_true", help="skip transition states")
    explore.add_argument(
        "--no-standardize", action="store_true", help="use the features as they are"
    )
    explore.add_argument("--out", default=None, help="output folder")

    show = commands.add_parser("show", help="summarise a saved landscape")
    show.add_argument("file")

    plot = commands.add_parser("plot", help="plot a saved landscape")
    plot.add_argument("file")
    plot.add_argument("--kind", required=True, choices=PLOT_KINDS)
    plot.add_argument("--out", required=True, help="PNG file to write")
    return parser


# ---------------------------------------------------------------------- data
def _load_dataset(name, target=None):
    """``(X, y, feature_names, description)`` from a bundled dataset or a CSV file."""
    if name.lower().endswith(".csv") or Path(name).is_file():
        return _load_csv(Path(name), target)
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
            f"unknown dataset {name!r}: give a CSV file or one of {', '.join(bundled)}"
        )
    if target is not None:
        raise CommandError("--target applies to CSV files only")
    bunch = loader()
    y = bunch.target if bunch.target.ndim == 1 else bunch.target[:, 0]
    return bunch.data, y, list(getattr(bunch, "feature_names", [])), f"scikit-learn {name}"


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

    shared = {"random_state": args.random_state, "n_jobs": args.n_jobs}
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


def _prepare_data(model, X, y, standardize):
    import numpy as np
    from sklearn.preprocessing import StandardScaler

    if standardize:
        X = StandardScaler().fit_transform(X)
    if model == "mlp" and np.unique(y).size > 0.5 * len(y):
        raise CommandError("mlp is a classifier: the target looks continuous")
    if model == "gp" and len(y) > 500:
        # A GP costs O(n^3) per likelihood evaluation: explore on a fixed subsample.
        rows = np.random.default_rng(0).choice(len(y), size=500, replace=False)
        X, y = X[np.sort(rows)], y[np.sort(rows)]
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
    lines = ["  ".join(cell.rjust(w) for cell, w in zip(line, widths, strict=True)) for line in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _format_cell(value):
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.5g}"
    return str(value)


def _run_model(model, data_name, args, out, stream):
    """Fit one estimator, save its landscape, summary and figures; return a table row."""
    X, y, _, description = _load_dataset(data_name, getattr(args, "target", None))
    X, y = _prepare_data(model, X, y, not getattr(args, "no_standardize", False))
    estimator = _make_estimator(model, args)
    start = time.perf_counter()
    estimator.fit(X) if model == "kmeans" else estimator.fit(X, y)
    seconds = time.perf_counter() - start
    landscape = estimator.landscape_
    out.mkdir(parents=True, exist_ok=True)
    landscape.save(out / "landscape.npz")
    summary = _landscape_summary(landscape)
    summary.update({"model": model, "data": description, "seconds": round(seconds, 3)})
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    figures = _write_figures(landscape, out)
    print(f"{model} on {description}: wrote {out}/ ({', '.join(p.name for p in figures)}, "
          "landscape.npz, summary.json)", file=stream)
    return summary


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


def _demo(args, stream):
    out = Path(args.out)
    jobs = (("kmeans", "iris", {"n_clusters": 3}), ("gp", "diabetes", {}), ("mlp", "iris", {}))
    rows = []
    for model, data, options in jobs:
        namespace = argparse.Namespace(
            random_state=0, n_jobs=args.n_jobs, n_hops=None, n_chains=None, no_connect=False,
            n_clusters=options.get("n_clusters", 3), hidden=[10], alpha=None, target=None,
            no_standardize=False,
        )
        rows.append(_run_model(model, data, namespace, out / model, stream))
    print("\n" + _table(rows, SUMMARY_COLUMNS), file=stream)
    print(f"\nFigures, landscapes and summaries are in {out.resolve()}/", file=stream)


def _explore(args, stream):
    if args.model not in MODELS:
        raise CommandError(f"unknown model {args.model!r}: choose one of {', '.join(MODELS)}")
    data_label = Path(args.data).stem
    out = Path(args.out or f"sklandscape-{args.model}-{data_label}")
    row = _run_model(args.model, args.data, args, out, stream)
    print("\n" + _table([row], SUMMARY_COLUMNS), file=stream)


def _load_landscape(path):
    from .landscape import Landscape

    if not Path(path).is_file():
        raise CommandError(f"no such file: {path}")
    try:
        return Landscape.load(path)
    except ValueError as exc:
        raise CommandError(str(exc)) from None


def _show(args, stream):
    landscape = _load_landscape(args.file)
    print(repr(landscape), file=stream)
    for key, value in _landscape_summary(landscape).items():
        print(f"  {key}: {value}", file=stream)


def _plot(args, stream):
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


class _LiveLineHandler(logging.Handler):
    """Progress records of the engine as one rewritten line on a terminal."""

    def __init__(self, stream):
        super().__init__(logging.INFO)
        self.stream = stream
        self.live = stream.isatty()

    def emit(self, record):
        message = self.format(record)
        if self.live:
            self.stream.write("\r\033[K" + message)
        else:
            self.stream.write(message + "\n")
        self.stream.flush()


def main(argv=None):
    """Run the command line; return the exit status."""
    stream = sys.stdout
    try:
        args = _build_parser().parse_args(argv)
        handler = _LiveLineHandler(sys.stderr)
        engine_logger = logging.getLogger("sklandscape")
        engine_logger.addHandler(handler)
        engine_logger.setLevel(logging.INFO)
        try:
            {"demo": _demo, "explore": _explore, "show": _show, "plot": _plot}[args.command](
                args, stream
            )
        finally:
            engine_logger.removeHandler(handler)
            if handler.live:
                sys.stderr.write("\n")
    except CommandError as exc:
        print(f"sklandscape: error: {exc}", file=sys.stderr)
        return 2
    except (ValueError, TypeError, OSError) as exc:
        print(f"sklandscape: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("sklandscape: interrupted", file=sys.stderr)
        return 130
    return 0
