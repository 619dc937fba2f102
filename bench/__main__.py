"""``python -m bench [name ...]``: run every benchmark module, or the named ones.

A benchmark is any ``bench/<name>.py`` (not starting with ``_``) with a ``main()``, plain or
``async``. Each prints its own figures and same-run baselines.
"""
from __future__ import annotations

import asyncio
import importlib
import inspect
import pkgutil
import sys
import time
from pathlib import Path

import bench


def available() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules([str(Path(bench.__file__).parent)])
                  if not m.name.startswith("_"))


def run(name: str) -> None:
    module = importlib.import_module(f"bench.{name}")
    main = getattr(module, "main", None)
    if main is None:
        raise SystemExit(f"bench/{name}.py has no main()")
    print(f"== bench {name} ==", flush=True)
    started = time.perf_counter()
    if inspect.iscoroutinefunction(main):
        asyncio.run(main())
    else:
        main()
    print(f"== bench {name}: {time.perf_counter() - started:.1f} s ==\n", flush=True)


def cli(argv: list[str]) -> int:
    names = argv or available()
    unknown = [n for n in names if n not in available()]
    if unknown or any(n in ("-h", "--help") for n in names):
        print(f"usage: python -m bench [{' | '.join(available())}] ...", file=sys.stderr)
        return 2 if unknown else 0
    for name in names:
        run(name)
    return 0


if __name__ == "__main__":
    sys.exit(cli(sys.argv[1:]))
