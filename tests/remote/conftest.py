"""Real servers on loopback for the remote-logdir tests: moto's S3 server and (where installed) sshd.

Nothing here talks to a real cloud: the S3 fixtures set fake credentials, point every AWS client at
the loopback server through ``AWS_ENDPOINT_URL`` and hide any profile on the machine. The S3
server keeps a request log of its own (method, path, query, Range header, response bytes), so
tests count what crossed the wire rather than what the client says it asked for.

sshd is started from a generated config with generated keys on a free loopback port; tests that
need it skip cleanly where the OpenSSH server is not installed (``.ci/run`` installs it in CI).

pytest runs with ``--import-mode=importlib``, so helpers reach the tests as fixtures.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"


@dataclass
class Request:
    method: str
    path: str
    query: str
    range: str | None
    sent: int = 0  # response body bytes


@dataclass
class S3Server:
    """A moto S3 server on 127.0.0.1 with a request log; ``stop()`` ends it (a network fault)."""

    endpoint: str
    server: object
    log: list[Request] = field(default_factory=list)
    sockets: set[socket.socket] = field(default_factory=set)

    def gets(self, key_part: str = "") -> list[Request]:
        """Object GETs (not listings) whose path contains ``key_part``."""
        return [
            r for r in self.log if r.method == "GET" and "list-type" not in r.query and key_part in r.path
        ]

    def listings(self) -> list[Request]:
        return [r for r in self.log if r.method == "GET" and "list-type" in r.query]

    stopped: bool = False

    def restart(self) -> None:
        """The server comes back on the same port (moto's store lives on in the process)."""
        again = _start_s3(int(self.endpoint.rsplit(":", 1)[1]), self.log)
        self.server, self.sockets, self.stopped = again.server, again.sockets, False

    def stop(self) -> None:
        """The server goes away: no new connections, and the kept-alive ones are cut."""
        self.stopped = True
        self.server.stop()  # type: ignore[attr-defined]
        self.server._server.server_close()  # type: ignore[attr-defined]
        for sock in list(self.sockets):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
                sock.close()


def _start_s3(port: int = 0, log: list[Request] | None = None) -> S3Server:
    pytest.importorskip("s3fs")
    moto_server = pytest.importorskip("moto.server")
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    log = [] if log is None else log

    class Recording(moto_server.ThreadedMotoServer):
        """moto's threaded server with a WSGI layer that records every request it answers."""

        def _server_entry(self) -> None:
            app = DomainDispatcherApplication(create_backend_app)

            def recorded(environ, start_response):  # type: ignore[no-untyped-def]
                req = Request(
                    environ["REQUEST_METHOD"],
                    environ.get("PATH_INFO", ""),
                    environ.get("QUERY_STRING", ""),
                    environ.get("HTTP_RANGE"),
                )
                log.append(req)
                for chunk in app(environ, start_response):
                    req.sent += len(chunk)
                    yield chunk

            self._server = make_server(self._ip_address, self._port, recorded, True, request_handler=Quiet)
            self._server_ready_event.set()
            self._server.serve_forever()

    open_sockets: set[socket.socket] = set()

    class Quiet(MotoRequestHandler):
        """No access log on stderr; connections tracked so a stop can cut kept-alive ones too."""

        def setup(self) -> None:
            super().setup()
            open_sockets.add(self.connection)

        def finish(self) -> None:
            open_sockets.discard(self.connection)
            super().finish()

        def log_request(self, *args: object, **kwargs: object) -> None:
            pass

    server = Recording(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return S3Server(f"http://{host}:{port}", server, log, open_sockets)


def aws_env(endpoint: str) -> dict[str, str]:
    """Fake credentials and the loopback endpoint; no profile or metadata service is consulted."""
    return {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        # One attempt per request in botocore: tbtui's own retries (counted, shown) are under test.
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_RETRY_MODE": "standard",
    }


_live: dict[str, object] = {}


def _server_and_client() -> tuple[S3Server, object]:
    """The process's loopback S3 server and a setup client, started again after a test stopped it.

    moto keeps one store per process whatever the server, and starting a server and an s3fs
    client costs about a second, so tests share them and :func:`s3` empties the store instead.
    """
    server = _live.get("server")
    if server is None or server.stopped:  # type: ignore[attr-defined]
        server = _start_s3()
        saved = {k: os.environ.get(k) for k in aws_env("")}
        os.environ.update(aws_env(server.endpoint))
        try:
            import s3fs

            _live["fs"] = s3fs.S3FileSystem(skip_instance_cache=True, use_listings_cache=False)
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        _live["server"] = server
    return server, _live["fs"]  # type: ignore[return-value]


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[SimpleNamespace]:
    """An empty loopback S3 store with bucket ``bkt``, the environment pointing at it, and helpers.

    ``s3.fs`` is a plain s3fs client for setting up objects; ``s3.put(local_dir, "bucket/prefix")``
    uploads a directory's regular files; ``s3.server`` has the request log and ``stop()``.
    """
    server, fs = _server_and_client()
    urllib.request.urlopen(urllib.request.Request(f"{server.endpoint}/moto-api/reset", method="POST")).read()
    for k, v in aws_env(server.endpoint).items():
        monkeypatch.setenv(k, v)

    def put(local: Path, dest: str) -> list[str]:
        """Upload every regular file under ``local`` to ``dest``; returns the keys written."""
        keys = []
        for dirpath, _, files in os.walk(local):
            for name in files:
                src = Path(dirpath) / name
                if src.is_symlink():
                    continue
                key = f"{dest}/{src.relative_to(local).as_posix()}"
                fs.pipe_file(key, src.read_bytes())
                keys.append(key)
        return keys

    def copy_local(local: Path, dest: Path) -> None:
        """The local twin of :func:`put`: the same regular files, no symlinks."""
        for dirpath, _, files in os.walk(local):
            for name in files:
                src = Path(dirpath) / name
                if src.is_symlink():
                    continue
                out = dest / src.relative_to(local)
                out.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, out)

    fs.mkdir("bkt")
    server.log.clear()
    yield SimpleNamespace(server=server, fs=fs, put=put, copy_local=copy_local, env=aws_env(server.endpoint))


# -- sshd ------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _banner(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as c:
            return c.recv(4).startswith(b"SSH-")
    except OSError:
        return False


class Sshd:
    """One sshd process on a fixed loopback port; :meth:`stop` ends it and every connection it
    serves (its per-connection children too), :meth:`start` brings it back on the same port."""

    def __init__(self, binary: str, d: Path, user: str) -> None:
        self.binary, self.dir, self.user = binary, d, user
        self.port = _free_port()
        self.options = {"client_keys": [str(d / "client_key")], "known_hosts": None}
        self.env = {"FSSPEC_SSH": json.dumps(self.options)}
        self.config = d / f"sshd_config.{self.port}"
        self.config.write_text(
            f"Port {self.port}\nListenAddress 127.0.0.1\nHostKey {d / 'host_key'}\n"
            f"AuthorizedKeysFile {d / 'authorized_keys'}\nPidFile {d / f'sshd.{self.port}.pid'}\n"
            "PasswordAuthentication no\nKbdInteractiveAuthentication no\nPubkeyAuthentication yes\n"
            "PermitRootLogin prohibit-password\nUsePAM no\nStrictModes no\n"
            "Subsystem sftp internal-sftp\nMaxSessions 50\nMaxStartups 50\n"
        )
        self.log = d / f"sshd.{self.port}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def url(self, path: str | Path) -> str:
        return f"ssh://{self.user}@127.0.0.1:{self.port}{Path(path).resolve().as_posix()}"

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [self.binary, "-D", "-e", "-f", str(self.config)], stderr=log, stdout=subprocess.DEVNULL
            )
        deadline = time.monotonic() + 15
        while not _banner(self.port):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.proc.kill()
                lines = self.log.read_text(errors="replace").strip().splitlines()
                pytest.skip(f"sshd did not start: {lines[-1] if lines else 'no banner'}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is None:
            return
        for pid in [*_descendants(self.proc.pid), self.proc.pid]:  # connections first
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.proc = None


def _descendants(pid: int) -> list[int]:
    """Processes started by ``pid`` (and by them), from /proc: sshd forks one per connection."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


@pytest.fixture(scope="session")
def _ssh_setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, str]:
    pytest.importorskip("sshfs")
    binary = shutil.which("sshd") or next((p for p in ("/usr/sbin/sshd",) if os.path.exists(p)), None)
    keygen = shutil.which("ssh-keygen")
    if not binary or not keygen:
        pytest.skip("OpenSSH server not installed (apt-get install openssh-server)")
    d = tmp_path_factory.mktemp("sshd")
    for name in ("host_key", "client_key"):
        subprocess.run([keygen, "-q", "-t", "ed25519", "-N", "", "-f", str(d / name)], check=True)
    (d / "authorized_keys").write_bytes((d / "client_key.pub").read_bytes())
    os.chmod(d / "authorized_keys", 0o600)
    if os.geteuid() == 0:
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # privilege separation directory
    user = os.environ.get("USER") or pwd.getpwuid(os.getuid()).pw_name
    return binary, d, user


@pytest.fixture(scope="session")
def sshd(_ssh_setup: tuple[str, Path, str]) -> Iterator[Sshd]:
    """OpenSSH's sshd on a loopback port, logging in the current user with a generated key.

    ``sshd.url(path)`` is the ``ssh://`` URL of a local path; ``sshd.options`` are the sshfs
    arguments (``client_keys``, no known_hosts check) and ``sshd.env`` the same as fsspec's
    ``FSSPEC_SSH`` variable for subprocesses. Skips when sshd or sshfs is unavailable.
    """
    server = Sshd(*_ssh_setup)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def own_sshd(_ssh_setup: tuple[str, Path, str]) -> Iterator[Sshd]:
    """An sshd of the test's own, which it may stop and start again."""
    server = Sshd(*_ssh_setup)
    server.start()
    try:
        yield server
    finally:
        server.stop()
