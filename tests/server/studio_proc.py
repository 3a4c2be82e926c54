"""Start `layerlab studio` as a real process on a free loopback port (for live and kill tests)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

READY = "LayerLab studio ready"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Studio:
    """A studio process; `client()` is an httpx client with the token header."""

    def __init__(self, home: Path, token: str = "live-token", port: int | None = None, args: tuple[str, ...] = (),
                 env: dict[str, str] | None = None, timeout: float = 60.0):
        self.home, self.token, self.port = Path(home), token, port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        e = dict(os.environ, LAYERLAB_HOME=str(home), LAYERLAB_TOKEN=token, OMP_NUM_THREADS="1",
                 PYTHONUNBUFFERED="1", **(env or {}))
        if not token:
            e.pop("LAYERLAB_TOKEN")
        for k in [k for k in e if k.startswith("PYTEST_")]:
            del e[k]  # NiceGUI switches to its test mode when it sees pytest's variables
        self.log = Path(home).parent / f"studio-{self.port}.log"
        self.log_file = open(self.log, "w")
        cmd = [sys.executable, "-c", "from layerlab.cli import main; main()", "studio", "--no-browser",
               "--port", str(self.port), *args]
        self.proc = subprocess.Popen(cmd, env=e, stdout=self.log_file, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + timeout
        while READY not in self.output():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"studio did not start:\n{self.output()}")
            time.sleep(0.2)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def client(self, **kw) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        kw.setdefault("timeout", 30.0)
        return httpx.Client(base_url=self.url, headers=headers, **kw)

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flushing; as a power cut looks to the files."""
        self.proc.kill()
        self.proc.wait(10)
        self.log_file.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.log_file.close()
