"""The documentation builds with Sphinx without a single warning.

The gallery pages are generated without running the examples
(``plot_gallery=0``): ``tests/test_examples.py`` runs them.
"""

import subprocess
import sys
from pathlib import Path

import pytest

import sklandscape

pytest.importorskip("sphinx")
pytest.importorskip("numpydoc")
pytest.importorskip("sphinx_gallery")

DOC = Path(sklandscape.__file__).resolve().parents[1] / "doc"


def test_docs_build_without_warnings(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",  # warnings are errors
            "--keep-going",  # ... all of them reported
            "-E",  # a fresh environment: every page is read again
            "-q",
            "-b",
            "html",
            "-D",
            "plot_gallery=0",
            "-d",
            str(tmp_path / "doctrees"),
            str(DOC),
            str(tmp_path / "html"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    html = tmp_path / "html"
    for page in ("index", "getting_started", "api", "user_guide/thermodynamics"):
        assert (html / f"{page}.html").is_file(), page
    assert (html / "auto_examples" / "index.html").is_file()
    assert "C_+" in (html / "user_guide" / "thermodynamics.html").read_text()
