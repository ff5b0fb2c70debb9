"""Settings for the test suite: the production settings, with a throwaway key.

Tests run what production runs (debug off, hashed static names aside), so that
what they assert about headers and errors holds for the real site.
"""

import os

# Never a developer's .env (make run writes one): not here, nor in the processes tests start.
os.environ["DJANGO_ENV_FILE"] = ""
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-" + "k" * 50)
os.environ.setdefault("DJANGO_DEBUG", "0")

from newsroom.settings import *  # noqa: E402, F403

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
# No page cache unless a test asks for one (tests/test_caching.py): many tests change rows
# with QuerySet.update(), which sends no signal, and then read the page again.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
