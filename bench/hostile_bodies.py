"""Benchmark: how long rendering an article's body takes (``articles.rendering.render_markdown``,
run by every save), for bodies made to be slow and for the slowest a body may be under the bound.

    .venv/bin/python bench/hostile_bodies.py

For each pattern, prints Python-Markdown's own time on it (what a save took before the bound),
the time render_markdown takes (shown as plain text past the bound), then the longest repetition
of the pattern that stays under the bound and its render time: the slowest a save may render.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import markdown  # noqa: E402

from articles import rendering  # noqa: E402

PATTERNS = ["[", "![", "[^", "[[]", "[](", "<a ", "<a \n\n", "<http://a", "*a", "> ", "[\n", "- [\n"]
HOSTILE_LENGTH = 8000


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    function(*args, **kwargs)
    return (time.perf_counter() - started) * 1000


def longest_under_the_bound(unit):
    low, high = 1, 200_000
    while low < high:
        middle = (low + high + 1) // 2
        if rendering.markup_work(unit * middle) <= rendering.MAX_MARKUP_WORK:
            low = middle
        else:
            high = middle - 1
    return unit * low


def main():
    header = ("pattern", "length", "Markdown ms", "rendered ms", "bound length", "ms")
    print("{:12} {:>7} {:>12} {:>12}   {:>12} {:>7}".format(*header))
    for unit in PATTERNS:
        body = unit * (HOSTILE_LENGTH // len(unit))
        before = timed(markdown.markdown, body, extensions=rendering.MARKDOWN_EXTENSIONS)
        after = timed(rendering.render_markdown, body)
        worst = longest_under_the_bound(unit)
        print(
            f"{unit!r:12} {len(body):7} {before:12.1f} {after:12.1f}   {len(worst):12} "
            f"{timed(rendering.render_markdown, worst):7.1f}"
        )


if __name__ == "__main__":
    main()
