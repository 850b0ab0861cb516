"""The layer contracts (pyproject.toml [tool.importlinter], run by `make lint`): the tree keeps them, and a
forbidden import breaks them. The second test runs the same contracts on a tiny stand-in tree, not a copy of the
project, so it takes a second."""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = str(Path(sys.executable).parent / "lint-imports")


def _lint(cwd):
    return subprocess.run([LINT_IMPORTS, "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_the_tree_keeps_every_contract():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_forbidden_import_breaks_its_contract(tmp_path):
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for package in config["tool"]["importlinter"]["root_packages"]:
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "petitions" / "models.py").write_text("")
    (tmp_path / "core" / "leak.py").write_text("import petitions.models\n")
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text(encoding="utf-8"), encoding="utf-8")

    result = _lint(tmp_path)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "core is not allowed to import petitions" in result.stdout
    assert "core.leak -> petitions.models" in result.stdout
