"""Benchmark: how fast, and in how little memory, hostile markdown files are refused.

    .venv/bin/python bench/hostile_imports.py

Each file is given to ``articles.markdown_format.parse_file`` in a fresh process (so
that its peak memory is its own): a real billion laughs (nine levels of ten
YAML aliases, 10⁹ strings once expanded), a YAML tag asking for a Python object,
lists nested 20,000 deep, front matter over its cap, and a file over its cap.
Prints the reason given, the time parse_file took, the process's wall time and its peak resident
memory (ru_maxrss, KiB on Linux) next to that of a process that refuses nothing (parsing the seed).
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "markdown" / "000_75fbb4d40bbd88af.txt"
PARSE = """
import os, sys, time, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.test_settings")
django.setup()
from articles.markdown_format import ImportFailure, parse_file
start = time.perf_counter()
try:
    parse_file(sys.argv[1])
    reason = "accepted"
except ImportFailure as failure:
    reason = str(failure)
print(f"{(time.perf_counter() - start) * 1000:.1f}")
print(reason)
"""


def billion_laughs():
    lines = ['lol0: &l0 "lol"']
    lines += [f"lol{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 10)}]" for n in range(1, 10)]
    return "---\n" + "\n".join(lines) + "\ntitle: *l9\ndate: 2024-03-02\n---\n\nCorps.\n"


def files():
    big_value = "x" * (64 * 1024 + 1)
    return {
        "seed (accepted)": SEED.read_text(encoding="utf-8"),
        "billion laughs": billion_laughs(),
        "!!python/object": '---\ntitle: !!python/object/apply:os.system ["true"]\ndate: 2024-03-02\n---\n',
        "nested 20,000 deep": "---\ntitle: x\ndate: 2024-03-02\ntags: "
        + "[" * 20000
        + "]" * 20000
        + "\n---\n",
        "front matter > 64 KB": f'---\ntitle: x\ndate: 2024-03-02\nsummary: "{big_value}"\n---\n',
        "file > 2 MB": "---\ntitle: x\ndate: 2024-03-02\n---\n" + "x" * (2 * 1024 * 1024),
    }


def main():
    print(f"{'file':<22} {'size':>9} {'parse':>9} {'process':>8} {'peak RSS':>9}  reason")
    with tempfile.TemporaryDirectory() as folder:
        for name, text in files().items():
            path = Path(folder) / "file.md"
            path.write_text(text, encoding="utf-8")
            start = time.perf_counter()
            process = subprocess.Popen(  # noqa: S603
                [sys.executable, "-c", PARSE, str(path)], cwd=ROOT, stdout=subprocess.PIPE, text=True
            )
            parse_ms, reason = process.stdout.read().strip().split("\n", 1)
            _, _status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - start
            print(
                f"{name:<22} {len(text.encode()):>9,} {float(parse_ms):>6.1f} ms {wall:>7.2f}s "
                f"{usage.ru_maxrss / 1024:>6.0f} MiB  {reason[:70]}"
            )
    print("parse: parse_file alone; process: the whole process, starting Python and Django included")
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
