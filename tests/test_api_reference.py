"""Every public class and function appears in the API reference (``doc/api.rst``).

The public modules are ``sklandscape`` and its subpackages without a leading
underscore; their public names are their ``__all__``. A name is documented when
an ``autosummary`` entry of ``doc/api.rst`` (read under its ``currentmodule``)
resolves to the same object, so ``sklandscape.Landscape`` documents
``sklandscape.landscape.Landscape`` too. Module-level data (``K_CRITERIA``,
``LANDSCAPE_METRICS``) is documented with the function that uses it.
"""

import importlib
import inspect
import re
from pathlib import Path

import pytest

import sklandscape

REPOSITORY = Path(sklandscape.__file__).resolve().parents[1]
API = REPOSITORY / "doc" / "api.rst"
PUBLIC_MODULES = ["sklandscape"] + sorted(
    f"sklandscape.{path.name}"
    for path in Path(sklandscape.__file__).parent.iterdir()
    if not path.name.startswith("_")
    and path.name not in {"cli.py", "base.py"}
    and (path.is_dir() and (path / "__init__.py").is_file() or path.suffix == ".py")
)
PUBLIC_MODULES = [name.removesuffix(".py") for name in PUBLIC_MODULES]


def resolve(module, dotted):
    """The object ``module.dotted`` names, importing subpackages on the way."""
    target = importlib.import_module(module)
    for part in dotted.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            target = importlib.import_module(f"{target.__name__}.{part}")
    return target


def documented_objects():
    """The objects named by the autosummary entries of the API reference."""
    objects, module = [], "sklandscape"
    inside = False
    for line in API.read_text().splitlines():
        if match := re.match(r"\.\. currentmodule:: (\S+)", line):
            module, inside = match.group(1), False
        elif line.startswith(".. autosummary::"):
            inside = True
        elif inside and re.match(r"^\s+[A-Za-z_][\w.]*\s*$", line):
            objects.append(resolve(module, line.strip()))
        elif inside and line and not line.startswith(" "):
            inside = False
    return objects


def test_api_reference_lists_real_objects():
    assert len(documented_objects()) >= 20


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_every_public_name_is_in_the_api_reference(module_name):
    module = importlib.import_module(module_name)
    documented = documented_objects()
    missing = [
        name
        for name in module.__all__
        if (inspect.isclass(obj := getattr(module, name)) or inspect.isfunction(obj))
        and not any(obj is entry for entry in documented)
    ]
    assert not missing, f"{module_name}: not in doc/api.rst: {missing}"
