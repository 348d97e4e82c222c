"""gunicorn on 127.0.0.1 for the load test and the Lighthouse runner: started with the
repository's gunicorn.conf.py, ready once /healthz answers, stopped with SIGTERM."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def start_gunicorn(database_url: str, port: int, *, app_dir: Path = ROOT,
                   env_extra: dict | None = None, timeout: float = 90,
                   log_path: str | None = None) -> subprocess.Popen:
    """gunicorn serving the app of `app_dir` (another checkout to compare with) on `port`;
    its stderr goes to `log_path` (else a temporary file, shown if it exits early)."""
    env = {**os.environ, "DATABASE_URL": database_url, "GUNICORN_BIND": f"127.0.0.1:{port}",
           "GUNICORN_ACCESSLOG": "", "SECRET_KEY": secrets.token_hex(16),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(app_dir),
                                                       os.environ.get("PYTHONPATH")])),
           **(env_extra or {})}
    log = open(log_path, "w+b") if log_path else tempfile.TemporaryFile()  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c",
                             str(Path(app_dir) / "gunicorn.conf.py"), "app:server"],
                            cwd=app_dir, env=env, stdout=subprocess.DEVNULL, stderr=log,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return proc
        except requests.RequestException:
            pass
        if proc.poll() is not None:
            log.seek(0)
            raise SystemExit(f"gunicorn exited: {log.read().decode()[-2000:]}")
        time.sleep(0.5)
    stop(proc)
    raise SystemExit(f"gunicorn did not answer /healthz within {timeout:.0f} s")


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL if it has not ended within 30 s."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
