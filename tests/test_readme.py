"""The README's Python examples run, and print the values their comments promise.

Every ```python block of README.md runs in its own process, headless, as a
reader would paste it. A line ``print(...)  # comment`` whose comment holds
numbers is checked: the comment's numbers must appear, in order, among the
numbers printed, each equal at the precision the comment writes it with
(``-146.70`` matches ``-146.6995``). Every figure a block saves with
``savefig("name.png")`` must be written. The scale-out block starts a real
dask ``LocalCluster``, so none is left out.

The promises must hold on any x86-64 machine with the same package versions, whose
BLAS kernel and SIMD code paths change the last bits of sums and so, through
basin-hopping's accept/reject decisions, which higher minima a short exploration
meets. Each block therefore runs twice: with this machine's numerical kernels and
with generic ones (OpenBLAS's SSE3 ``Prescott`` kernel, numpy's dispatched SIMD
loops disabled). The README prints only figures that agree under both (and, checked
offline, under OpenBLAS's AVX-512 ``SkylakeX`` kernel).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import sklandscape

REPOSITORY = Path(sklandscape.__file__).resolve().parents[1]
README = REPOSITORY / "README.md"
NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
#: Environment of each numerical-kernel setting the blocks run under.
KERNELS = {
    "this-machine": {},
    "generic": {
        "OPENBLAS_CORETYPE": "Prescott",
        "NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4 AVX512_ICL AVX512_SPR",
    },
}
SAVED_FIGURE = re.compile(r"savefig\(\s*[\"']([^\"']+)[\"']")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# Defines check(printed_text, comment): the comment's numbers, in order, among the printed ones.
CHECKER = r"""
import re as _re
_NUMBER = _re.compile(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")

def _decimals(token):
    mantissa = _re.split("[eE]", token)[0]
    return len(mantissa.split(".")[1]) if "." in mantissa else 0

def _readme_check(text, comment):
    printed = [float(t) for t in _NUMBER.findall(text)]
    position = 0
    for token in _NUMBER.findall(comment):
        expected, slack = float(token), 0.5 * 10.0 ** -_decimals(token) * (1 + 1e-9)
        while position < len(printed) and abs(printed[position] - expected) > slack:
            position += 1
        assert position < len(printed), (
            f"README promises {token} ({comment.strip()!r}) but printed: {text}"
        )
        position += 1
"""


def python_blocks():
    """(line number, code) of every ```python block."""
    blocks, lines = [], README.read_text().splitlines()
    inside, start, code = False, 0, []
    for number, line in enumerate(lines, 1):
        if line.strip() == "```python":
            inside, start, code = True, number, []
        elif inside and line.strip() == "```":
            inside = False
            blocks.append((start, "\n".join(code)))
        elif inside:
            code.append(line)
    return blocks


def instrument(code):
    """Turn ``print(args)  # comment with numbers`` into a checked print."""
    out = [CHECKER]
    for line in code.splitlines():
        match = re.match(r"^(\s*)print\((.*)\)\s*#(.*)$", line)
        if match and NUMBER.search(match.group(3)):
            indent, arguments, comment = match.groups()
            out.append(f"{indent}_text = ' '.join(str(_v) for _v in ({arguments},))")
            out.append(f"{indent}print(_text)")
            out.append(f"{indent}_readme_check(_text, {comment!r})")
        else:
            out.append(line)
    return "\n".join(out)


BLOCKS = python_blocks()


def test_the_readme_has_examples_to_check():
    assert len(BLOCKS) >= 4
    checked = sum(instrument(code).count("_readme_check(_text") for _, code in BLOCKS)
    assert checked >= 4


def test_the_scale_out_block_is_checked_on_a_local_cluster():
    (scale_out,) = [code for _, code in BLOCKS if "dask" in code]
    assert "LocalCluster(" in scale_out and 'parallel_config(backend="dask")' in scale_out
    # est, X and y are defined in the block itself
    assert re.search(r"^X, y = ", scale_out, re.MULTILINE)
    assert re.search(r"^est = ", scale_out, re.MULTILINE)
    assert "_readme_check(_text" in instrument(scale_out)


def test_every_plotting_block_saves_its_figure():
    for line, code in BLOCKS:
        if re.search(r"\.plot_\w+\(", code):
            assert SAVED_FIGURE.search(code) or "plt.show()" in code, f"block at line {line}"


def test_instrument_checks_at_the_written_precision():
    namespace = {}
    exec(CHECKER, namespace)
    check = namespace["_readme_check"]
    check("[-146.69951 -108.16673 -80.76782]", "[-146.70, -108.17, -80.77]")
    check("Landscape: 3 minima, 2 transition states", "3 minima, 2 transition states")
    with pytest.raises(AssertionError):
        check("[-146.69951]", "[-146.71]")
    with pytest.raises(AssertionError):  # order matters
        check("2 then 3", "3, 2")


@pytest.mark.parametrize("kernel", sorted(KERNELS))
@pytest.mark.parametrize("line, code", BLOCKS, ids=[f"line{line}" for line, _ in BLOCKS])
def test_readme_block_runs_and_prints_what_it_says(line, code, kernel, tmp_path):
    env = {
        **os.environ,
        **KERNELS[kernel],
        "MPLBACKEND": "Agg",
        "PYTHONPATH": os.pathsep.join([str(REPOSITORY), os.environ.get("PYTHONPATH", "")]),
    }
    result = subprocess.run(
        [sys.executable, "-c", instrument(code)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, (
        f"README block at line {line}, {kernel} kernels:\n{result.stderr[-3000:]}"
    )
    for name in SAVED_FIGURE.findall(code):
        assert (tmp_path / name).read_bytes()[:8] == PNG_MAGIC, name


def test_ci_runs_the_readme_commands():
    """``.ci/run`` installs and tests with the README's second quickstart command, verbatim."""
    commands = re.findall(r"```bash\n(.*?)```", README.read_text(), re.S)
    test_command = next(c.strip() for c in commands if "pytest" in c)
    ci = (REPOSITORY / ".ci" / "run").read_text()
    assert test_command in ci.splitlines()
    assert "python3 -m venv" in ci  # a fresh environment: undeclared dependencies fail
