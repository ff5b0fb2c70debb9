"""Settings for the test suite: the production settings, with a throwaway key.

Tests run what production runs (debug off, hashed static names aside), so that
what they assert about headers and errors holds for the real site.
"""

import atexit
import os
import shutil
import tempfile

# Never a developer's .env (make run writes one): not here, nor in the processes tests start.
os.environ["DJANGO_ENV_FILE"] = ""
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-" + "k" * 50)
# Production whatever the environment says: with a developer's DJANGO_DEBUG=1 exported, the
# security tests would otherwise pass against insecure cookies and no HSTS.
os.environ["DJANGO_DEBUG"] = "0"

from newsroom.settings import *  # noqa: E402, F403

# And whatever else the settings read (a file of variables, say): production security, the values
# tests/test_settings.py checks against what production itself says.
DEBUG = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = True

# Plain HTTP in the test client; the HTTPS redirect itself is tested on its own.
SECURE_SSL_REDIRECT = False
# Hashed static names need collectstatic; the manifest itself is tested on its own.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Serve static files from the source folders, as in development.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# The ingestion tests serve their feeds on 127.0.0.1; private and link-local addresses stay refused.
INGEST_ALLOW_LOOPBACK = True
# No page cache unless a test asks for one (tests/test_caching.py): each test's rows are
# rolled back at its end, which no signal reports, so a later test could read its pages.
_generation_dir = tempfile.mkdtemp(prefix="newsroom-generation-")
atexit.register(shutil.rmtree, _generation_dir, ignore_errors=True)
# The generation is kept as in production, in a file, in a folder of this run's own.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    "generation": {
        "BACKEND": "articles.caching.TokenFileCache",
        "LOCATION": os.environ.get("DJANGO_CACHE_DIR") or _generation_dir,
    },
}

# Tasks run at once, inside the test, so that what they do (an e-mail sent) is seen by it; the
# database backend and its worker are tested on their own.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# The sources' checks (articles.link_checks, retractions) against loopback servers: no pause
# between requests unless a test asks for one, and a short deadline for the silent server's test.
LINK_CHECK_PAUSE = 0
LINK_CHECK_TIMEOUT = 2
CROSSREF_PAUSE = 0
CROSSREF_TIMEOUT = 2
CROSSREF_API_URL = "http://127.0.0.1:9"  # nothing: a test that asks Crossref starts its own server
