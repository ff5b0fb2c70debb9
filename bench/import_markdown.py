"""Benchmark: import a generated corpus into a fresh database.

    .venv/bin/python bench/import_markdown.py [--files 1000 10000] [--seed 1] [--db sqlite|postgres]

For each size, writes that many articles with `manage.py generate_articles`,
migrates a new database (an SQLite file in a temporary folder, or a throwaway
PostgreSQL server as the tests start one), then times
`manage.py import_markdown` (first import, then the same files again, which
change nothing) and reports files per second and the import process's peak
memory (its maximum resident set size, from the kernel), with the CPU time
it used: on a shared machine the wall time depends on the other loads, the
CPU time much less. Comparing the sizes shows that memory stays flat as the
number of files grows.
"""

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MANAGE = [sys.executable, str(ROOT / "manage.py")]


def run(args, env):
    """Run a manage.py command; return its wall and CPU times in seconds, peak RSS in MiB, last line."""
    start = time.perf_counter()
    process = subprocess.Popen([*MANAGE, *args], env=env, stdout=subprocess.PIPE)  # noqa: S603
    output = process.stdout.read().decode()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"{' '.join(args)} failed with status {process.returncode}:\n{output}")
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, cpu, usage.ru_maxrss / 1024, output.strip().rpartition("\n")[2]


@contextlib.contextmanager
def database(kind, tmp):
    """The URL of an empty database of that kind, removed afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp}/bench.sqlite3"
        return
    import psycopg

    from tests.pgcluster import PostgresCluster

    with PostgresCluster() as cluster:
        with psycopg.connect(cluster.url(), autocommit=True) as connection:
            connection.execute("CREATE DATABASE bench")
        yield cluster.url("bench")


def bench(count, seed, kind):
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp, database(kind, Path(tmp)) as url:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "bench-only-" + "x" * 50,
        }
        corpus = Path(tmp) / "corpus"
        run(["generate_articles", str(count), str(corpus), "--seed", str(seed)], env)
        run(["migrate", "--no-input", "--verbosity", "0"], env)
        for label in ("first import", "again, unchanged"):
            elapsed, cpu, peak, summary = run(["import_markdown", str(corpus)], env)
            print(
                f"{count:>7} files  {label:<17} {elapsed:6.1f} s  {count / elapsed:7.0f} files/s  "
                f"CPU {cpu:5.1f} s  peak RSS {peak:5.0f} MiB  ({summary})",
                flush=True,
            )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"{os.cpu_count()} CPUs (load average {load}), Python {sys.version.split()[0]}, {args.db}")
    for count in args.files:
        bench(count, args.seed, args.db)


if __name__ == "__main__":
    main()
