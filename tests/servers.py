"""Real servers on 127.0.0.1 for tests that need a process of their own."""

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import ThreadingHTTPServer
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def process_env(overrides):
    """This process's environment for a child, minus what only the test process may have."""
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {**env, **(overrides or {})}


def manage(*args, env=None, check=True):
    """Run `manage.py ARGS` in a fresh process; with check, fail showing what it printed."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=process_env(env),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"manage.py {args[0]} exited {result.returncode}:\n{result.stdout}{result.stderr}"
        )
    return result


@contextlib.contextmanager
def gunicorn(env, timeout=30, workers=1, threads=1):
    """Serve the project with gunicorn on a free loopback port; yield its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "newsroom.wsgi", "--bind", f"127.0.0.1:{port}"),
            *("--workers", str(workers), "--threads", str(threads)),
        ],
        cwd=PROJECT,
        env=process_env(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{process.stdout.read()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError("gunicorn did not start") from None
                time.sleep(0.1)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextlib.contextmanager
def task_worker(env):
    """`manage.py db_worker` beside the site, as production runs it (README, "Running"): the
    tasks its requests queue (cards drawn again, link checks) run while the site serves."""
    process = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.5", "--no-startup-delay"],
        cwd=PROJECT,
        env=process_env(env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def fetch(url, headers=None):
    """GET url without following redirects; return (status, headers, body) whatever the status."""
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 -- loopback only
    try:
        with _opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


class LoopbackServer:
    """An HTTP server on a free port of 127.0.0.1, in a thread of the test process, answering with
    ``handler``; ``stopping`` is set on the way out, for answers that wait (silence, a trickle)."""

    def __init__(self, handler, daemon_threads=False):
        self.stopping = threading.Event()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = daemon_threads
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path):
        return f"http://127.0.0.1:{self.httpd.server_port}{path}"
