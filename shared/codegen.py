"""Regenerate the gRPC stubs in gen/ from the protos in proto/ (the one codegen step).

    python -m shared.codegen           # rewrite gen/lab27 from proto/lab27
    python -m shared.codegen --check   # exit 1, listing stale files, if gen/ is out of date

Generation always happens in a temporary directory first, so --check and a real run see
exactly the same output, and a failed protoc run never leaves gen/ half written.
"""
from __future__ import annotations

import argparse
import filecmp
import shutil
import sys
import tempfile
from importlib import resources
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PROTO_ROOT = REPO_ROOT / "proto"
GEN_ROOT = REPO_ROOT / "gen"
# Only this package is generated; anything else under gen/ is not ours to delete.
GENERATED_PACKAGE = "lab27"


class CodegenError(RuntimeError):
    pass


def proto_files(proto_root: Path) -> list[Path]:
    # Sorted so protoc sees the same argument order on every machine.
    return sorted(p.relative_to(proto_root) for p in (proto_root / GENERATED_PACKAGE).rglob("*.proto"))


def run_protoc(proto_root: Path, out_dir: Path) -> None:
    from grpc_tools import protoc  # imported here: grpc_tools is heavy and only codegen needs it

    well_known = resources.files("grpc_tools") / "_proto"  # google/protobuf/*.proto
    args = [
        "grpc_tools.protoc",
        f"--proto_path={proto_root}",
        f"--proto_path={well_known}",
        f"--python_out={out_dir}",
        f"--pyi_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        *(str(p) for p in proto_files(proto_root)),
    ]
    out_dir.mkdir(parents=True, exist_ok=True)
    if protoc.main(args) != 0:
        raise CodegenError("protoc failed (see its errors above)")


def add_package_inits(package_dir: Path) -> None:
    # Regular packages (not namespace packages) so `lab27.membership.v1` imports the same
    # way from an editable install, a wheel and a plain PYTHONPATH.
    for directory in [package_dir, *sorted(p for p in package_dir.rglob("*") if p.is_dir())]:
        (directory / "__init__.py").touch()


def generate(out_dir: Path) -> Path:
    """Generate the stubs under out_dir and return the generated package directory."""
    run_protoc(PROTO_ROOT, out_dir)
    package_dir = out_dir / GENERATED_PACKAGE
    add_package_inits(package_dir)
    return package_dir


def tree_files(root: Path) -> set[Path]:
    return {
        p.relative_to(root)
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def stale_files(fresh: Path, committed: Path) -> list[str]:
    """Files that differ, are missing from, or are extra in the committed tree."""
    fresh_files = tree_files(fresh)
    committed_files = tree_files(committed) if committed.exists() else set()
    stale = [
        f"missing: {p}" for p in sorted(fresh_files - committed_files)
    ] + [
        f"extra:   {p}" for p in sorted(committed_files - fresh_files)
    ] + [
        f"differs: {p}"
        for p in sorted(fresh_files & committed_files)
        if not filecmp.cmp(fresh / p, committed / p, shallow=False)
    ]
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.codegen", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if gen/ is stale instead of rewriting it")
    args = parser.parse_args(argv)

    committed = GEN_ROOT / GENERATED_PACKAGE
    with tempfile.TemporaryDirectory(prefix="lab27-codegen-") as tmp:
        try:
            fresh = generate(Path(tmp))
        except CodegenError as error:
            print(error, file=sys.stderr)
            return 2
        if args.check:
            stale = stale_files(fresh, committed)
            if stale:
                print("gen/ is stale; run `make proto`:", *stale, sep="\n  ", file=sys.stderr)
                return 1
            print("gen/ is up to date")
            return 0
        if committed.exists():
            shutil.rmtree(committed)
        shutil.copytree(fresh, committed)
    print(f"generated {len(tree_files(committed))} files under {committed.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
