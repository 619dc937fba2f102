"""The committed stubs are what the protos generate, and staleness is reported by file."""
from __future__ import annotations

from pathlib import Path

from shared import codegen


def test_committed_stubs_are_up_to_date() -> None:
    assert codegen.main(["--check"]) == 0


def test_generation_is_deterministic(tmp_path: Path) -> None:
    first = codegen.generate(tmp_path / "a")
    second = codegen.generate(tmp_path / "b")
    assert codegen.stale_files(first, second) == []
    assert (first / "membership" / "v1" / "__init__.py").exists()


def test_stale_files_names_missing_extra_and_changed_files(tmp_path: Path) -> None:
    fresh, committed = tmp_path / "fresh", tmp_path / "committed"
    for root in (fresh, committed):
        (root / "v1").mkdir(parents=True)
        (root / "v1" / "same.py").write_text("x = 1\n")
    (fresh / "v1" / "changed.py").write_text("new\n")
    (committed / "v1" / "changed.py").write_text("old\n")
    (fresh / "v1" / "added.py").write_text("\n")
    (committed / "v1" / "removed.py").write_text("\n")
    assert codegen.stale_files(fresh, committed) == [
        "missing: v1/added.py",
        "extra:   v1/removed.py",
        "differs: v1/changed.py",
    ]
