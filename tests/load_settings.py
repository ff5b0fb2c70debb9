"""Settings of the load test (tests/test_load.py): the test settings, with production's caches
and task queue.

The test settings keep no page (a DummyCache: each test's rows are rolled back); under load the
site is measured as it runs: pages in each worker's memory and the generation in a file every
process reads (DJANGO_CACHE_DIR), or both in Redis when REDIS_URL is set (newsroom/settings.py).
LOAD_CACHE_PREFIX keeps one run's keys apart from anything else a shared Redis holds.
LOAD_CACHE=none keeps the test settings' DummyCache: every page rendered for each request, the
figure the cached runs are compared with on the same machine.
Tasks (cards drawn again after a save, link checks) go to the database, and the test's
`manage.py db_worker` runs them beside the site, instead of inside the editors' requests.
"""

import importlib
import os

from newsroom.test_settings import *  # noqa: F403

# Production's module, as the test settings imported it (they set the environment it reads first).
PRODUCTION_CACHES = importlib.import_module("newsroom.settings").CACHES
if os.environ.get("LOAD_CACHE") != "none":
    CACHES = {alias: dict(options) for alias, options in PRODUCTION_CACHES.items()}
if os.environ.get("LOAD_CACHE_PREFIX"):
    for options in CACHES.values():
        if "KEY_PREFIX" in options:
            options["KEY_PREFIX"] = f"{options['KEY_PREFIX']}-{os.environ['LOAD_CACHE_PREFIX']}"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
