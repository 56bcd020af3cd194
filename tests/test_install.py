"""A non-editable install (what `pip install ./aloud` gives) finds its theme and catalogs."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv

from conftest import REPO, write_tree
from test_multilingual import CONFIG, FILES


def test_installed_copy_builds_a_site(tmp_path):
    source = tmp_path / "src"  # a copy, so building never writes into the checkout
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    for name in ("ssg", "layouts", "assets", "i18n"):
        shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    wheel = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(tmp_path / "dist"),
            str(source),
        ],
        capture_output=True,
        text=True,
    )
    assert wheel.returncode == 0, wheel.stderr
    env_dir = tmp_path / "venv"
    venv.create(env_dir, system_site_packages=True, with_pip=True)
    python = env_dir / "bin" / "python"
    (built,) = (tmp_path / "dist").glob("aloud-*.whl")
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(built)],
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, install.stderr
    site = write_tree(tmp_path / "site", {"site.toml": CONFIG.format(untranslated="show"), **FILES})
    build = subprocess.run(
        [str(env_dir / "bin" / "aloud"), "build", "-s", str(site), "-q"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert build.returncode == 0, build.stderr
    where = subprocess.run(
        [str(python), "-c", "import ssg.fastpath as f; print(f.BUILTIN_ROOT)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout.strip()
    assert where == str(env_dir / "share" / "aloud")  # not the clone
    assert (site / "public/assets/style.css").exists()
    assert "Archief" in (site / "public/archive/index.html").read_text()  # catalogs shipped
