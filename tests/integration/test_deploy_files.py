"""The operators' deployment files: the compose file validates and describes what the issue asks."""
from __future__ import annotations

import copy
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.compose_file import InvalidComposeFile, load_compose, problems

ROOT = Path(__file__).resolve().parents[2]


def compose_config() -> dict:
    """docker-compose.yml validated against the Compose schema (tests/compose_file.py), anchors merged."""
    return load_compose(ROOT / "docker-compose.yml")


def test_the_schema_check_refuses_what_docker_compose_refuses(tmp_path: Path) -> None:
    """The check is not a formality: a misspelt key, a wrong type and an unknown condition are caught."""
    document = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    broken = copy.deepcopy(document)
    broken["services"]["kafka"]["helthcheck"] = broken["services"]["kafka"].pop("healthcheck")
    broken["services"]["postgres"]["healthcheck"]["retries"] = "ten"
    broken["services"]["membership"]["depends_on"]["kafka"]["condition"] = "service_happy"
    found = problems(broken)
    assert any("services/kafka" in p and "helthcheck" in p for p in found), found
    assert any("services/postgres/healthcheck/retries" in p for p in found), found
    assert any("services/membership/depends_on" in p for p in found), found
    path = tmp_path / "docker-compose.yml"
    path.write_text(yaml.safe_dump(broken))
    with pytest.raises(InvalidComposeFile):
        load_compose(path)


def test_docker_compose_itself_accepts_the_file_where_it_is_installed() -> None:
    """.ci/run installs Debian's docker-compose v1.29; elsewhere the schema check above stands in."""
    if shutil.which("docker-compose") is None:
        return
    out = subprocess.run(["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "config"],
                         check=True, capture_output=True, text=True, cwd=ROOT)
    resolved = yaml.safe_load(out.stdout)
    assert set(resolved["services"]) == set(compose_config()["services"])


def test_the_test_broker_is_the_compose_broker() -> None:
    """shared/stack/kafka.py's jars (deploy/kafka/pom.xml) are the version compose runs."""
    from shared.stack.kafka import KAFKA_VERSION

    image = compose_config()["services"]["kafka"]["image"]
    assert image == f"apache/kafka:{KAFKA_VERSION}"
    pom = (ROOT / "deploy" / "kafka" / "pom.xml").read_text()
    assert re.search(r"<kafka.version>(.*)</kafka.version>", pom)[1] == KAFKA_VERSION


def test_compose_file_is_valid_and_every_container_has_a_healthcheck() -> None:
    services = compose_config()["services"]
    assert {"kafka", "postgres", "membership", "cohorts", "funding", "bookings", "kafka-ui"} <= set(services)
    for name, spec in services.items():
        assert spec.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
    assert "kafka-broker-api-versions" in " ".join(services["kafka"]["healthcheck"]["test"])
    assert "pg_isready -h 127.0.0.1" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert "shared.healthcheck" in " ".join(services["membership"]["healthcheck"]["test"])


def test_kafka_runs_kraft_with_unlimited_retention() -> None:
    env = compose_config()["services"]["kafka"]["environment"]
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert str(env["KAFKA_LOG_RETENTION_MS"]) == "-1"


def test_services_on_apache_kafka_wait_long_on_fetches() -> None:
    """Kafka answers a fetch as soon as a record is there: the tansu-sized 5 ms wait would only
    make idle consumers poll (docs/architecture.md, tansu vs Apache Kafka)."""
    services = compose_config()["services"]
    app = [s for n, s in services.items() if n not in {"kafka", "postgres", "kafka-ui"}]
    assert app and all(int(s["environment"]["KAFKA_FETCH_MAX_WAIT_MS"]) >= 100 for s in app)


def test_services_share_one_image_built_from_deploy_dockerfile() -> None:
    services = compose_config()["services"]
    app = [s for n, s in services.items() if n not in {"kafka", "postgres", "kafka-ui"}]
    assert app and all(s["build"]["dockerfile"].endswith("deploy/Dockerfile") for s in app)
    assert len({s["image"] for s in app}) == 1
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert "python -m services.${SERVICE_NAME}" in dockerfile


def test_the_image_recipe_installs_every_package_and_sql_file(tmp_path: Path) -> None:
    """The Dockerfile copies these folders and runs `pip install .`: what that installs must
    be enough to run any service with no source tree (stubs and SQL migrations included)."""
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    for folder in ("shared", "services", "gen"):
        assert f"COPY {folder} ./{folder}" in dockerfile
        assert (ROOT / folder).is_dir()
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                    "--target", str(tmp_path), "."], check=True, cwd=ROOT, capture_output=True)
    for installed in ("lab27/membership/v1/membership_pb2_grpc.py", "lab27/common/v1/common_pb2.py",
                      "services/membership/__main__.py", "services/membership/migrations/001_member_directory.sql",
                      "shared/runtime.py", "shared/healthcheck.py"):
        assert (tmp_path / installed).is_file(), installed


def test_each_service_has_its_own_database_port_and_broker() -> None:
    services = compose_config()["services"]
    apps = {name: services[name]["environment"] for name in ("membership", "cohorts", "funding", "bookings")}
    databases = {name: env["POSTGRES_DSN"].rsplit("/", 1)[1] for name, env in apps.items()}
    assert databases == {name: f"lab27_{name}" for name in apps}
    created = set(re.findall(r"CREATE DATABASE (\w+);", (ROOT / "deploy/postgres/init-databases.sql").read_text()))
    assert set(databases.values()) <= created
    assert len({env["GRPC_PORT"] for env in apps.values()}) == 4
    assert all(env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092" and env["SERVICE_NAME"] == name
               for name, env in apps.items())
    for name, env in apps.items():  # the published port is the one it listens on, and health asks it
        assert services[name]["ports"] == [f"{env['GRPC_PORT']}:{env['GRPC_PORT']}"]
