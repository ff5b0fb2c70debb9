"""Benchmark: how long an upload holds a worker, by its number of pixels.

    .venv/bin/python bench/image_uploads.py [MEGAPIXELS ...]

For photo-like JPEGs of 12, 24, 36 and 49 megapixels (3:2, quality 90, detail at every
scale so that they decode and compress like photographs), times what the admin does in
the request with ``articles.images``: the form's check (decode to the end, re-encode
without metadata), then the renditions (four widths, WebP and JPEG). Each stage is the
best of three runs, in CPU seconds (wall seconds beside them: on a shared machine they
grow with the others' load); the totals are also given as a ratio to the first size's.
The pixel cap is lifted for the run.
"""

import os
import random
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.test_settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.storage import FileSystemStorage  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from PIL import Image, ImageFilter  # noqa: E402

from articles import images  # noqa: E402


def photo(megapixels):
    width = int((megapixels * 1_000_000 * 3 / 2) ** 0.5)
    height = int(megapixels * 1_000_000 / width)
    rng = random.Random(megapixels)
    coarse = Image.frombytes("RGB", (width // 4, height // 4), rng.randbytes(width // 4 * (height // 4) * 3))
    image = coarse.filter(ImageFilter.GaussianBlur(1)).resize((width, height), Image.Resampling.BILINEAR)
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue(), (width, height)


class StoredFile:
    def __init__(self, storage, name):
        self.storage, self.name = storage, name


def best(function, runs=3):
    """The best (wall, CPU) seconds of a few runs: CPU time is what other processes do not inflate."""
    times = []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        times.append((time.perf_counter() - wall, time.process_time() - cpu))
    return min(times, key=lambda pair: pair[1]), result


def main(sizes):
    settings.IMAGE_MAX_PIXELS = 10**9
    settings.IMAGE_UPLOAD_MAX_BYTES = 10**9
    storage = FileSystemStorage(tempfile.mkdtemp())
    rows = []
    for megapixels in sizes:
        data, (width, height) = photo(megapixels)
        check, cleaned = best(lambda: images.reencode(SimpleUploadedFile("photo.jpg", data)))  # noqa: B023
        name = storage.save(f"{megapixels}/photo.jpg", cleaned.content)
        stored = StoredFile(storage, name)
        copies, _size = best(lambda: images.make_renditions(stored, cleaned.image))  # noqa: B023
        rows.append((megapixels, width, height, len(data), check, copies))
    first = rows[0][4][1] + rows[0][5][1]
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; CPU seconds (wall seconds)")
    print("| MP | pixels | file | decode + re-encode | renditions | total | ratio |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for megapixels, width, height, size, check, copies in rows:
        total = [check[n] + copies[n] for n in (1, 0)]
        stages = " | ".join(f"{cpu:.2f} ({wall:.2f})" for wall, cpu in (check, copies, total[::-1]))
        file = f"{size / 1_000_000:.1f} MB"
        print(f"| {megapixels} | {width} × {height} | {file} | {stages} | {total[0] / first:.1f} |")


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [12, 24, 36, 49])
