"""The README stays true to the repository: its structure tree and its two set-up commands."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def tracked_top_level_dirs():
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        return None
    return {p.split("/")[0] for p in out.stdout.splitlines() if "/" in p and not p.startswith(".")}


def test_project_structure_tree_lists_every_tracked_folder():
    tree = README.split("## Project structure", 1)[1].split("```")[1]
    listed = set(re.findall(r"^(\w+)/", tree, re.M))
    tracked = tracked_top_level_dirs()
    if tracked is None:
        import pytest

        pytest.skip("not a git checkout")
    assert listed == tracked


def test_the_test_command_is_the_one_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = [line for line in ci.splitlines() if line.startswith("pip install")]
    assert len(command) == 1 and command[0] in README
