"""A real single-node Apache Kafka broker (KRaft), the version docker-compose.yml runs.

Its jars come from Maven Central, fetched once with ``mvn`` (deploy/kafka/pom.xml) into
``.cache/kafka/<version>/libs`` (ignored by git, kept by ``make clean``), and run with the
machine's JDK: no download of a binary distribution, no Docker. The broker keeps its log in
``<data_dir>/log`` across restarts (what an operator's broker does), unlike tansu;
:meth:`KafkaBroker.wipe` starts it again on an empty, freshly formatted log, which is what
tansu's every restart amounts to.

Same interface as shared.stack.broker.EmbeddedBroker: ``start()``, ``stop()``,
``restart()``, ``wipe()``, ``bootstrap_servers``, ``kind``, ``keeps_data``.

``python -m shared.stack.kafka check`` says whether this machine can run it (java and mvn on
PATH); ``python -m shared.stack.kafka fetch`` fetches the jars.
"""
from __future__ import annotations

import base64
import fcntl
import os
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from shared.stack.ports import free_port, wait_for_port
from shared.stack.processes import stop_process

ROOT = Path(__file__).resolve().parents[2]
POM = ROOT / "deploy" / "kafka" / "pom.xml"
KAFKA_VERSION = "3.9.1"  # = deploy/kafka/pom.xml's kafka.version = docker-compose.yml's image tag
CACHE = ROOT / ".cache" / "kafka" / KAFKA_VERSION
READY_LINE = "Kafka Server started"  # logged by KafkaRaftServer once both roles serve
START_TIMEOUT = 90.0  # a JVM warming up on 2 busy cores
STOP_TIMEOUT = 30.0  # controlled shutdown; SIGKILL after that
# Small and fixed: the tests start several brokers beside Postgres and the services on 2
# cores. Serial GC: one GC thread, no concurrent marking threads waking an idle broker.
JVM_OPTIONS = ("-Xms192m", "-Xmx192m", "-XX:+UseSerialGC", "-XX:MaxMetaspaceSize=128m",
               "-Djava.awt.headless=true")


def unavailable_reason() -> str | None:
    """Why this machine cannot run the broker (None: it can)."""
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing and not (missing == ["mvn"] and _jars_present(CACHE / "libs")):
        return f"{' and '.join(missing)} not on PATH (a JDK >= 17 and Maven fetch and run Apache Kafka {KAFKA_VERSION})"
    return None


def _jars_present(libs: Path) -> bool:
    return (libs / f"kafka_2.13-{KAFKA_VERSION}.jar").is_file()


def fetch_jars(cache: Path = CACHE) -> Path:
    """The folder of the broker's jars, fetched with Maven the first time (one process at a time)."""
    libs = cache / "libs"
    if _jars_present(libs):
        return libs
    cache.mkdir(parents=True, exist_ok=True)
    with (cache / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a parallel test run waits for the first fetch
        if _jars_present(libs):
            return libs
        partial = cache / f"libs.partial-{os.getpid()}"
        shutil.rmtree(partial, ignore_errors=True)
        result = subprocess.run(
            ["mvn", "-q", "-B", "-f", str(POM), "dependency:copy-dependencies",
             f"-DoutputDirectory={partial}"], capture_output=True, text=True)
        if result.returncode != 0 or not _jars_present(partial):
            shutil.rmtree(partial, ignore_errors=True)
            raise RuntimeError(f"mvn could not fetch Apache Kafka {KAFKA_VERSION}:\n{result.stdout[-3000:]}{result.stderr[-2000:]}")
        shutil.rmtree(libs, ignore_errors=True)
        partial.rename(libs)  # all or nothing: a killed fetch leaves no half folder behind
    return libs


def _cluster_id() -> str:
    """A Kafka Uuid as StorageTool's random-uuid prints it (16 bytes, url-safe base64, no padding).

    Never one that starts with "-": StorageTool's argument parser would take it for an option
    ("argument --cluster-id/-t: expected one argument", one format in 64). Kafka's own
    Uuid.randomUuid() skips those for the same reason."""
    while (cluster_id := base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()).startswith("-"):
        pass
    return cluster_id


_LOG4J = """\
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.log.LogCleaner=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.org.apache.kafka.storage.internals.log=WARN
"""


@dataclass
class KafkaBroker:
    data_dir: Path
    port: int = 0
    host: str = "127.0.0.1"
    controller_port: int = 0
    jvm_options: tuple[str, ...] = JVM_OPTIONS
    cache: Path = CACHE
    _process: subprocess.Popen | None = field(default=None, repr=False)
    _dumping: Path | None = field(default=None, repr=False)  # where this JVM writes a class archive

    kind: ClassVar[str] = "kafka"
    keeps_data: ClassVar[bool] = True  # a restart keeps topics, records and group offsets
    client_env: ClassVar[dict[str, str]] = {}  # its first group join is at once (no initial rebalance delay)

    @property
    def bootstrap_servers(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "log"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "broker.log"

    def properties(self) -> dict[str, str]:
        """server.properties: docker-compose.yml's broker, on loopback ports of our own."""
        return {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@{self.host}:{self.controller_port}",
            "listeners": f"PLAINTEXT://{self.host}:{self.port},CONTROLLER://{self.host}:{self.controller_port}",
            "advertised.listeners": f"PLAINTEXT://{self.host}:{self.port}",
            "controller.listener.names": "CONTROLLER",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "inter.broker.listener.name": "PLAINTEXT",
            "log.dirs": str(self.log_dir),
            # One node: every internal topic has one replica.
            "offsets.topic.replication.factor": "1",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "default.replication.factor": "1",
            "min.insync.replicas": "1",
            # Not compose's 50: one node gains nothing from more, and creating 50 partitions
            # on the first group join costs each fresh test broker seconds.
            "offsets.topic.num.partitions": "1",
            "group.initial.rebalance.delay.ms": "0",
            # Topics are history, as in compose.
            "log.retention.ms": "-1",
            "log.retention.bytes": "-1",
            "auto.create.topics.enable": "false",
            "num.partitions": "1",
            # The log cleaner (it compacts __consumer_offsets) allocates its dedupe buffer
            # up front, 128 MiB by default: more than the whole small heap.
            "log.cleaner.dedupe.buffer.size": str(8 * 1024 * 1024),
        }

    def start(self) -> "KafkaBroker":
        libs = fetch_jars(self.cache)
        self.data_dir = self.data_dir.resolve()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port(self.host)
        self.controller_port = self.controller_port or free_port(self.host)
        config = self.data_dir / "server.properties"
        config.write_text("".join(f"{k}={v}\n" for k, v in self.properties().items()))
        log4j = self.data_dir / "log4j.properties"
        log4j.write_text(_LOG4J)
        java = [shutil.which("java") or "java", *self.jvm_options, f"-Dlog4j.configuration=file:{log4j}",
                "-cp", f"{libs}/*"]
        if not (self.log_dir / "meta.properties").exists():
            self._format(java[:1] + self._class_archive(dump=False) + java[1:], config)
        java[1:1] = self._class_archive(dump=True)
        with self.log_path.open("ab") as log:
            log.write(f"\n===== start at {time.strftime('%H:%M:%S')} on port {self.port} =====\n".encode())
            log.flush()
            self._process = subprocess.Popen(
                [*java, "kafka.Kafka", str(config)], stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, cwd=self.data_dir,
                # Its own session, like tansu: a Ctrl-C on make run must not stop it before the
                # services have drained.
                start_new_session=True)
        self._wait_ready()
        return self

    def _format(self, java: list[str], config: Path) -> None:
        shutil.rmtree(self.log_dir, ignore_errors=True)
        result = subprocess.run([*java, "kafka.tools.StorageTool", "format", "-t", _cluster_id(),
                                 "-c", str(config)], capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"kafka-storage format failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")

    def _wait_ready(self) -> None:
        """Until the broker logs that it serves (the port opens a little before it answers)."""
        assert self._process is not None
        deadline = time.monotonic() + START_TIMEOUT
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("rb") as log:
            log.seek(max(0, offset - 4096))  # this start's banner and what follows
            seen = b""
            while time.monotonic() < deadline:
                seen = (seen + log.read())[-65536:]
                if READY_LINE.encode() in seen:
                    wait_for_port(self.host, self.port, max(1.0, deadline - time.monotonic()))
                    return
                if self._process.poll() is not None:
                    raise RuntimeError(f"Apache Kafka exited with {self._process.returncode}; see {self.log_path}\n"
                                       + seen.decode(errors="replace")[-3000:])
                time.sleep(0.1)
        self.stop()
        raise TimeoutError(f"Apache Kafka not started after {START_TIMEOUT}s; see {self.log_path}")

    def stop(self) -> None:
        if self._process is not None:
            stop_process(self._process, STOP_TIMEOUT)
        self._process = None
        self._keep_class_archive()

    # A JVM spends most of a broker's start loading and verifying ~5,000 classes. The first
    # broker to stop cleanly leaves a class-data archive of them (JDK 13+'s dynamic CDS) that
    # every later start maps instead; a JVM that cannot use it (another JDK) ignores it.
    def _class_archive(self, dump: bool) -> list[str]:
        archive = self.cache / "classes.jsa"
        if archive.is_file():
            return [f"-XX:SharedArchiveFile={archive}", "-Xshare:auto"]
        if not dump:
            return []
        self._dumping = self.cache / f"classes.jsa.{os.getpid()}-{uuid.uuid4().hex[:6]}"
        return [f"-XX:ArchiveClassesAtExit={self._dumping}"]

    def _keep_class_archive(self) -> None:
        dumping, self._dumping = self._dumping, None
        if dumping is None or not dumping.is_file():
            return
        archive = self.cache / "classes.jsa"
        if archive.is_file():
            dumping.unlink()
        else:
            dumping.rename(archive)  # atomic: a parallel start sees all of it or nothing

    def restart(self) -> None:
        """Stop and start on the same ports; topics, records and committed offsets are kept."""
        self.stop()
        self.start()

    def wipe(self) -> None:
        """Stop, lose the whole log (a new cluster id), start on the same ports empty."""
        self.stop()
        shutil.rmtree(self.log_dir, ignore_errors=True)
        self.start()

    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "check":
        reason = unavailable_reason()
        if reason:
            print(f"Apache Kafka tier NOT run: {reason}; running the tansu tier only.", flush=True)
            return 1
        return 0
    if command == "fetch":
        print(fetch_jars())
        return 0
    print("usage: python -m shared.stack.kafka check|fetch", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
