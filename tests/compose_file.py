"""docker-compose.yml, validated against the Compose schema without Docker or docker-compose.

deploy/compose/compose_spec.json is the schema docker-compose 1.29.2 (Debian's v1.29, what
.ci/run's `docker-compose config` runs) validates a file against: its
compose/config/compose_spec.json, unchanged. It is checked the way docker-compose checks it
(jsonschema's Draft 4 validator), so `make test` needs only the dev extra's jsonschema.
YAML anchors and merge keys are resolved by the YAML loader, as docker-compose's are.

``python -m tests.compose_file [FILE]`` validates a file (make compose-check).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "deploy" / "compose" / "compose_spec.json"
COMPOSE_FILE = ROOT / "docker-compose.yml"


class InvalidComposeFile(ValueError):
    pass


def problems(document: Any) -> list[str]:
    """Every place where ``document`` breaks the Compose schema ("path: why")."""
    validator = jsonschema.Draft4Validator(json.loads(SCHEMA.read_text()), format_checker=jsonschema.FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
            for e in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))]


def load_compose(path: Path = COMPOSE_FILE) -> dict[str, Any]:
    """The compose file as data, anchors merged; InvalidComposeFile if the schema refuses it."""
    document = yaml.safe_load(path.read_text())
    found = problems(document)
    if found:
        raise InvalidComposeFile(f"{path} is not a valid Compose file:\n  " + "\n  ".join(found))
    return document


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else COMPOSE_FILE
    try:
        load_compose(path)
    except InvalidComposeFile as error:
        print(error, file=sys.stderr)
        return 1
    print(f"{path.name} is valid (Compose schema of docker-compose 1.29.2)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
