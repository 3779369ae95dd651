"""Every third-party import of the repository is declared in ``pyproject.toml``.

A fresh machine has only what ``pip install -e ".[test]"`` installs, so a module
imported by the library, the tests, the examples, the benchmarks or the
documentation must come from a distribution that ``pyproject.toml`` names: the
library's own imports among the core dependencies (and the ``pandas`` extra, imported
only by ``LandscapeTable.to_pandas``), the tests' and examples'
among the core and ``test`` ones (the suite runs the examples and builds the
documentation), the documentation's among the core and ``docs`` ones, and the
benchmarks' among the core ones. The import names are mapped to distributions
by the installed metadata (``sklearn`` -> ``scikit-learn``), independently of
the lists below; ``.ci/run`` installs into a fresh virtual environment, so an
undeclared import also fails there.
"""

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import pytest

import sklandscape

REPOSITORY = Path(sklandscape.__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPOSITORY / "pyproject.toml").read_text())["project"]
CORE = PYPROJECT["dependencies"]
EXTRAS = PYPROJECT["optional-dependencies"]

#: folder -> the requirement lists whose distributions it may import
ALLOWED = {
    "sklandscape": CORE + EXTRAS["pandas"],  # pandas only inside LandscapeTable.to_pandas
    "tests": CORE + EXTRAS["test"],
    "examples": CORE + [r for r in EXTRAS["test"] if r in EXTRAS["docs"]],
    "doc": CORE + EXTRAS["docs"],
    "benchmarks": CORE,
}


def _normalise(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def declared_distributions(requirements):
    """Distribution names a list of requirements installs directly (``a[b]`` gives a and b)."""
    names = set()
    for requirement in requirements:
        match = re.match(r"\s*([A-Za-z0-9_.-]+)(?:\[([^\]]*)\])?", requirement)
        names.add(_normalise(match.group(1)))
        for extra in filter(None, (match.group(2) or "").split(",")):
            names.add(_normalise(extra.strip()))
    return names


def top_level_imports(path):
    """Absolute top-level module names imported anywhere in a Python file."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


def third_party_imports(folder):
    """{module: first file importing it} for the modules outside the stdlib and the repository."""
    own = {"sklandscape"} | {p.stem for p in (REPOSITORY / folder).rglob("*.py")}
    found = {}
    for path in sorted((REPOSITORY / folder).rglob("*.py")):
        for module in top_level_imports(path):
            if module not in sys.stdlib_module_names and module not in own:
                found.setdefault(module, path.relative_to(REPOSITORY))
    return found


def test_declared_distributions_parses_extras():
    assert declared_distributions(["dask[distributed]>=2024", "scikit-learn>=1.6"]) == {
        "dask",
        "distributed",
        "scikit-learn",
    }


@pytest.mark.parametrize("folder", sorted(ALLOWED))
def test_every_import_is_declared(folder):
    allowed = declared_distributions(ALLOWED[folder])
    providers = importlib.metadata.packages_distributions()
    undeclared = []
    for module, path in third_party_imports(folder).items():
        distributions = {_normalise(d) for d in providers.get(module, [])}
        if not distributions & allowed:
            where = ", ".join(sorted(distributions)) or "no installed distribution"
            undeclared.append(f"{path} imports {module} ({where})")
    assert not undeclared, f"undeclared in pyproject.toml for {folder}/: {undeclared}"
