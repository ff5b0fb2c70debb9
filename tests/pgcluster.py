"""A throwaway PostgreSQL server for tests.

    python -m tests.pgcluster COMMAND [ARG ...]

runs COMMAND with DATABASE_URL pointing at a fresh server (a temporary data
directory, a free loopback port) and removes the server afterwards. Tests that
must stop and restart a server use ``PostgresCluster`` directly.

PostgreSQL refuses to run as root: as root, the server runs as the ``postgres``
user. When no server can start, the run fails under CI=true; elsewhere it says
so loudly and runs nothing.
"""

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    pass


def find_binary(name):
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda path: int(path.split("/")[4])
    )
    if not candidates:
        raise PostgresUnavailable(f"{name} not found (apt-get install postgresql)")
    return candidates[-1]


class PostgresCluster:
    def __init__(self):
        self.initdb = find_binary("initdb")
        self.pg_ctl = find_binary("pg_ctl")
        self.directory = Path(tempfile.mkdtemp(prefix="newsroom-pg-"))
        self.data = self.directory / "data"
        self.run_as = []
        if os.geteuid() == 0:
            try:
                postgres = pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresUnavailable("running as root and there is no postgres user") from None
            os.chown(self.directory, postgres.pw_uid, postgres.pw_gid)
            self.run_as = ["runuser", "-u", "postgres", "--"]
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]

    def url(self, database="postgres"):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args):
        result = subprocess.run(
            [*self.run_as, *args], cwd=self.directory, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise PostgresUnavailable(f"{' '.join(args[:2])} failed:\n{result.stdout}{result.stderr}")
        return result

    def create(self):
        self._run(
            self.initdb, "-D", str(self.data), "-U", "postgres", "-A", "trust",
            "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        self.start()
        return self

    def start(self):
        # Durability is not what tests are for: without fsync the suite is faster.
        options = (
            f"-h 127.0.0.1 -p {self.port} -k {self.directory} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            self.pg_ctl, "-D", str(self.data), "-l", str(self.directory / "server.log"),
            "-w", "-t", "60", "-o", options, "start",
        )  # fmt: skip

    def stop(self):
        self._run(self.pg_ctl, "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self):
        subprocess.run(
            [*self.run_as, self.pg_ctl, "-D", str(self.data), "-m", "immediate", "stop"],
            cwd=self.directory,
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self):
        try:
            return self.create()
        except BaseException:
            self.destroy()
            raise

    def __exit__(self, *exc_info):
        self.destroy()


def main(command):
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still remove the server
    try:
        cluster = PostgresCluster().__enter__()
    except PostgresUnavailable as error:
        print(f"pgcluster: PostgreSQL could not start: {error}", file=sys.stderr)
        if os.environ.get("CI") == "true":
            return 1
        print("pgcluster: *** the PostgreSQL test run is SKIPPED on this machine ***", file=sys.stderr)
        return 0
    try:
        version = subprocess.run([cluster.pg_ctl, "--version"], capture_output=True, text=True).stdout
        print(f"pgcluster: {version.strip()} on 127.0.0.1:{cluster.port}", flush=True)
        env = {**os.environ, "DATABASE_URL": cluster.url("newsroom")}
        return subprocess.call(command, env=env)
    finally:
        cluster.__exit__(None, None, None)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
