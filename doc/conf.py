"""Sphinx configuration of the sklandscape documentation.

Build with ``make -C doc html`` (``make -C doc html-noplot`` skips running
the gallery examples). Warnings are errors in ``tests/test_docs.py``.
"""

import os
import sys
from pathlib import Path

DOC_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(DOC_DIR.parent))
os.environ.setdefault("MPLBACKEND", "Agg")

import sklandscape  # noqa: E402

project = "sklandscape"
author = "sklandscape developers"
copyright = "2025, sklandscape developers"
release = sklandscape.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py", "**.zip"]
root_doc = "index"
default_role = "py:obj"

# -- autodoc / autosummary / numpydoc ---------------------------------------
autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# -- intersphinx: no network here, so links are resolved only when an inventory is cached --
intersphinx_mapping = {}

# -- sphinx-gallery -----------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": str(DOC_DIR.parent / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"plot_",
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "show_memory": False,
    "remove_config_comments": True,
    "matplotlib_animations": False,
    "doc_module": ("sklandscape",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"sklandscape": None},
}

# -- HTML ----------------------------------------------------------------------
html_theme = "alabaster"
html_static_path = ["_static"]
html_title = f"sklandscape {release}"
html_theme_options = {
    "description": "Energy landscapes of scikit-learn models",
    "fixed_sidebar": True,
    "show_relbars": True,
}


# -- keep the API pages to sklandscape's own members ---------------------------
def _skip_foreign_member(app, what, name, obj, skip, options):
    """Skip members defined outside sklandscape (scikit-learn's mixins, metadata routing).

    Their docstrings point into scikit-learn's documentation (glossary terms,
    labels) that this build does not have; scikit-learn documents them.
    """
    module = getattr(obj, "__module__", None) or ""
    if what == "class" and callable(obj) and not module.startswith("sklandscape"):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_foreign_member)
