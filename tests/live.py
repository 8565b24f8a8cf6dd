"""The real app as a separate process: migrated and seeded with its CLI, served by gunicorn over HTTP."""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

from tests.conftest import make_database

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


class JsonServer(ThreadingHTTPServer):
    """Answers every GET with `document` as JSON (e.g. a JWK Set); change `document` at any time."""

    def __init__(self, document: dict):
        super().__init__(('127.0.0.1', 0), _JsonHandler)
        self.document = document
        self.hits = 0  # GET requests answered

    @property
    def url(self) -> str:
        return f'http://127.0.0.1:{self.server_port}/'


class _JsonHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.hits += 1
        body = json.dumps(self.server.document).encode()
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve_json(document: dict) -> JsonServer:
    """A JsonServer running in a daemon thread; call `.shutdown()` when done."""
    server = JsonServer(document)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class LiveTool:
    """`start()` builds a private database, runs `flask db upgrade` + `flask seed-demo`, starts gunicorn."""

    def __init__(self, *, label: str, workers: int = 2, threads: int = 4, env: dict | None = None):
        self.port = free_port()
        self.base_url = f'http://127.0.0.1:{self.port}'
        self.url, self._drop_db = make_database(label)
        self.instance = tempfile.mkdtemp(prefix=f'lms_ext_{label}_')
        self.env = {**os.environ, 'LMS_EXT_ENV': 'development', 'DATABASE_URL': self.url,
                    'BASE_URL': self.base_url, 'FLASK_APP': 'wsgi', 'LOG_LEVEL': 'WARNING',
                    'LOG_FORMAT': 'json', 'INSTANCE_DIR': self.instance, **(env or {})}
        self._workers, self._threads = workers, threads
        self._server: subprocess.Popen | None = None
        self._worker: subprocess.Popen | None = None

    def cli(self, *args: str) -> str:
        done = subprocess.run([BIN / 'flask', *args], cwd=REPO, env=self.env, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f'flask {" ".join(args)} failed: {done.stdout}{done.stderr}')
        return done.stdout

    def start(self) -> 'LiveTool':
        self.cli('db', 'upgrade')
        self.cli('seed-demo')
        self._log = open(Path(self.instance) / 'server.log', 'wb')  # noqa: SIM115 - closed in stop()
        self._server = subprocess.Popen(
            [BIN / 'gunicorn', '--workers', str(self._workers), '--threads', str(self._threads),
             '--bind', f'127.0.0.1:{self.port}', 'wsgi:app'],
            cwd=REPO, env=self.env, stdout=subprocess.DEVNULL, stderr=self._log)
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f'{self.base_url}/healthz', timeout=5).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            if self._server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f'live server did not start: {self.log()[-3000:]}')
            time.sleep(0.1)

    def cpu_seconds(self) -> float:
        """User + system CPU time used so far by the gunicorn master and its workers."""
        ticks = os.sysconf('SC_CLK_TCK')
        pids = [self._server.pid] + [int(p) for p in Path(f'/proc/{self._server.pid}/task/{self._server.pid}/children')
                                     .read_text().split()]
        total = 0
        for pid in pids:
            fields = Path(f'/proc/{pid}/stat').read_text().rsplit(')', 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks

    def start_worker(self) -> None:
        """`flask jobs work`: grade pass-back and other jobs, polling the database queue."""
        self._worker_log = open(Path(self.instance) / 'worker.log', 'wb')  # noqa: SIM115 - closed in stop()
        self._worker = subprocess.Popen([BIN / 'flask', 'jobs', 'work', '--interval', '0.3'], cwd=REPO, env=self.env,
                                        stdout=self._worker_log, stderr=subprocess.STDOUT)

    def log(self) -> str:
        return (Path(self.instance) / 'server.log').read_text(errors='replace')

    def stop(self) -> None:
        if self._worker is not None:
            self._worker.terminate()
            self._worker.wait(timeout=15)
            self._worker_log.close()
        if self._server is not None:
            self._server.terminate()
            self._server.wait(timeout=15)
            self._log.close()
        self._drop_db()
        shutil.rmtree(self.instance, ignore_errors=True)
