"""Settings for the newsroom, read from the environment.

Production is the default: with DJANGO_DEBUG unset the site runs with debug off
and refuses to start without DJANGO_SECRET_KEY. For local work ``make run``
writes a ``.env`` file next to manage.py (DJANGO_DEBUG=1 and a generated
development key), read here when it exists: variables of the real environment
win over it, and every command (runserver, createsuperuser, shell…) gets the
same settings without exporting anything. A server has no ``.env``.

DJANGO_ENV_FILE        the NAME=value file read first (default: .env next to manage.py,
                       when it exists; empty: none, as in the tests)
DJANGO_SECRET_KEY      required when debug is off
SITE_NAME              the site's name until the admin's site identity names it (default: Newsroom)
DJANGO_DEBUG           1/true/yes for development (default: off)
DJANGO_ALLOWED_HOSTS   comma-separated host names (default: localhost names)
DATABASE_URL           e.g. postgres://user:password@host:5432/newsroom
                       (default: the SQLite file db.sqlite3 in the project)
DJANGO_SECURE_PROXY    1 when a proxy in front sets X-Forwarded-Proto and X-Forwarded-For
DJANGO_PROXY_COUNT     how many such proxies are in front (default: 1)
DJANGO_STATIC_ROOT     where collectstatic writes (default: staticfiles/ in the project)
DJANGO_MEDIA_ROOT      where uploaded images go (default: media/ in the project)
INGEST_TIMEOUT         seconds allowed to fetch one feed (default: 20)
INGEST_MAX_BYTES       the largest feed answer read (default: 5 MiB)
INGEST_CONCURRENCY     feeds fetched at once by ingest_feeds (default: 4)
INGEST_ALLOW_LOOPBACK  1 to let feeds be fetched from loopback addresses (default: off)
INGEST_INTERVAL        minutes between scheduled ingest_feeds runs (default: 30): a failing feed
                       waits twice that after its first failure, doubling up to a day
INGEST_STALE_DAYS      days without a new item before a feed is flagged as silent (default: 14)
DJANGO_DB_POOL         on PostgreSQL, 1 for a psycopg connection pool in each process
                       (DJANGO_DB_POOL_MAX connections at most, default 4); otherwise
                       connections are kept DJANGO_CONN_MAX_AGE seconds (default 60)
REDIS_URL              e.g. redis://cache:6379/0: the cache shared by every worker
                       (default: each process's own memory, and the cache generation
                       in a file under DJANGO_CACHE_DIR, default var/cache/ in the project)
MEDICAL_REVIEW_MONTHS  months from a medical review to the next one due (default: 12)
LINK_CHECK_DAYS        a source link checked fewer days ago is not fetched again (default: 3)
LINK_CHECK_TIMEOUT     seconds allowed to check one link, redirects included (default: 10)
LINK_CHECK_PAUSE       seconds between two requests to one host (default: 2)
LINK_DEAD_FAILURES     failed checks in a row that make a link dead... (default: 3)
LINK_DEAD_DAYS         ...spread over at least this many days (default: 5); a 404 or 410 at once
CROSSREF_API_URL       Crossref's REST API (default: https://api.crossref.org)
CROSSREF_MAILTO        the contact address Crossref's user agent names (default: DEFAULT_FROM_EMAIL)
CROSSREF_PAUSE         seconds between two requests to Crossref (default: 1)
CROSSREF_DAILY_LIMIT   DOIs asked of Crossref in 24 hours at most (default: 2000)
CROSSREF_RECHECK_DAYS  a DOI asked fewer days ago is not asked again (default: 14)
EMAIL_HOST             the SMTP server mail goes through (with EMAIL_PORT, default 25,
                       EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS or EMAIL_USE_SSL);
                       unset, mail is printed on the console instead of being sent
DEFAULT_FROM_EMAIL     the sender of the site's mail (default: webmaster@localhost)
SITE_URL               the site's address for links in e-mails, e.g. https://example.org
                       (default when debugging: http://127.0.0.1:8000; outside debugging it must
                       be https, or the weekly digest and confirmation e-mails are refused)
DJANGO_TASKS_BACKEND   "database" (the default in production: ``manage.py db_worker`` runs the
                       tasks) or "immediate" (run inside the request; the default when debugging)
AWS_STORAGE_BUCKET_NAME  uploaded images on S3-compatible storage (with AWS_S3_ENDPOINT_URL,
                       AWS_S3_REGION_NAME, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
                       AWS_S3_CUSTOM_DOMAIN as the provider needs) instead of DJANGO_MEDIA_ROOT
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def read_env_file(path):
    """Put the NAME=value lines of ``path`` into the environment, where a variable is not already set.

    Blank lines and ``#`` comments are skipped, ``export`` and quotes around a value are allowed;
    any other line is an error that names the file and the line.
    """
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, equals, value = line.removeprefix("export ").partition("=")
        name, value = name.strip(), value.strip()
        if not equals or not name.isidentifier():
            raise ImproperlyConfigured(f"{path}, line {number}: expected NAME=value")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        os.environ.setdefault(name, value)


ENV_FILE = os.environ.get("DJANGO_ENV_FILE", BASE_DIR / ".env")
if ENV_FILE and Path(ENV_FILE).is_file():
    read_env_file(ENV_FILE)


def env_flag(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] or default


DEBUG = env_flag("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            "(set DJANGO_DEBUG=1 for local development)."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 -- debug only

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])

# The site's name while the admin's site identity (publication.SiteIdentity) has none stored.
SITE_NAME = os.environ.get("SITE_NAME", "Newsroom")

INSTALLED_APPS = [
    "newsroom.admin_site.NewsroomAdminConfig",  # django.contrib.admin, its completion view mended
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "django.contrib.sitemaps",
    "taggit",
    "reversion",
    "django_tasks",
    "django_tasks_db",
    "articles",
    "people",
    "intake",
    "publication",
    "newsletter",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "api.answers.SameInEveryLanguage",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        # Readers' pages: Jinja2, for speed (articles/templating.py). Names found here are
        # never looked up in the admin's templates below.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "OPTIONS": {
            "environment": "articles.templating.environment",
            "context_processors": ["publication.context.publication"],  # the site's identity
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if env_flag("DJANGO_DB_POOL") and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A pool replaces persistent connections: Django refuses both at once.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": int(os.environ.get("DJANGO_DB_POOL_MAX", "4")),
        "timeout": 10,
    }

# Whole public pages are cached (articles.caching), under a generation that every change
# replaces. The generation lives where every process sees it: in Redis with the pages when
# REDIS_URL is set (several machines), else in a file every process of this machine reads
# (DJANGO_CACHE_DIR), so that a command or another worker's save reaches every page at once.
# Without Redis each process keeps its own pages.
if os.environ.get("REDIS_URL"):
    _redis = {
        "BACKEND": "articles.caching.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        "KEY_PREFIX": "newsroom",
        # A cache that does not answer within a second is skipped (articles.caching).
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    CACHES = {
        "default": _redis,
        "generation": _redis,
        # Each process's own copies of the pages it served, checked against Redis's tokens on
        # every request (articles.caching.Lookup): one round trip a page, not two or three. The
        # most read ones: a page is ~50 KB, and anyone can ask for a new address.
        "near": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
        "generation": {
            "BACKEND": "articles.caching.TokenFileCache",
            "LOCATION": os.environ.get("DJANGO_CACHE_DIR", str(BASE_DIR / "var" / "cache")),
        },
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # reads older hashes, upgraded at login
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our own date formats: "24 mai 2024" in French, "May 24, 2024" in English.
FORMAT_MODULE_PATH = ["newsroom.formats"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# The feeds' stylesheet (static/feeds/feed.xsl) as XML: WhiteNoise knows no .xsl and sends
# application/octet-stream with nosniff, which a browser may refuse to apply.
WHITENOISE_MIMETYPES = {".xsl": "application/xml"}
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploaded images and their renditions on S3-compatible storage, shared by every machine:
# django-storages reads its AWS_* settings from the environment.
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    AWS_STORAGE_BUCKET_NAME = os.environ["AWS_STORAGE_BUCKET_NAME"]
    AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None
    AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
    AWS_S3_CUSTOM_DOMAIN = os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None
    AWS_QUERYSTRING_AUTH = False  # public images, plain URLs that a CDN can cache
    AWS_S3_FILE_OVERWRITE = False

TAGGIT_CASE_INSENSITIVE = True

# Security. Everything below holds in production; `manage.py check --deploy` stays clean.
SESSION_COOKIE_AGE = 60 * 60 * 12  # an editor's working day, then log in again

# Behind DJANGO_SECURE_PROXY, DJANGO_PROXY_COUNT proxies (default 1) each append the address they
# were reached from to X-Forwarded-For: the client is that many entries from the right
# (newsroom/client_address.py). Without the proxy setting, the client is REMOTE_ADDR.
TRUSTED_PROXY_COUNT = (
    int(os.environ.get("DJANGO_PROXY_COUNT") or "1") if env_flag("DJANGO_SECURE_PROXY") else 0
)

# Password guessing: five failures lock that user name from that client address for
# 15 minutes; nobody elsewhere can lock an editor out.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "newsroom.client_address.client_address"
AXES_RESET_ON_SUCCESS = True

# No script runs on the public site; the admin loads only its own files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "https:"],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_flag("DJANGO_SECURE_PROXY") else None
SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = 0 if DEBUG else 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = not DEBUG
X_FRAME_OPTIONS = "DENY"

# Uploaded images (articles.images): larger files, or images with more pixels, are refused
# with a clear message before they are decoded. An upload is decoded, re-encoded and copied at
# four widths inside the request: 24 megapixels take about 0.6 s of a core (bench/image_uploads.py).
IMAGE_UPLOAD_MAX_BYTES = int(os.environ.get("DJANGO_IMAGE_MAX_BYTES", 10 * 1024 * 1024))
IMAGE_MAX_PIXELS = int(os.environ.get("DJANGO_IMAGE_MAX_PIXELS", 24_000_000))
# Each frame of an animation is decoded and copied: a thousand tiny frames take a tenth of a second.
IMAGE_MAX_FRAMES = int(os.environ.get("DJANGO_IMAGE_MAX_FRAMES", 1000))

# A medically reviewed article is due for its next review this many months later (people, the
# admin's « Relecture due » queue), unless an editor sets another date.
MEDICAL_REVIEW_MONTHS = int(os.environ.get("MEDICAL_REVIEW_MONTHS", 12))

# The sources' health (manage.py check_links, articles/link_checks.py and retractions.py): how
# often a link is fetched, how politely, and when it is dead; how Crossref is asked about DOIs.
LINK_CHECK_DAYS = float(os.environ.get("LINK_CHECK_DAYS", "3"))
LINK_CHECK_TIMEOUT = float(os.environ.get("LINK_CHECK_TIMEOUT", "10"))
LINK_CHECK_PAUSE = float(os.environ.get("LINK_CHECK_PAUSE", "2"))
LINK_DEAD_FAILURES = int(os.environ.get("LINK_DEAD_FAILURES", "3"))
LINK_DEAD_DAYS = float(os.environ.get("LINK_DEAD_DAYS", "5"))
CROSSREF_API_URL = os.environ.get("CROSSREF_API_URL", "https://api.crossref.org").rstrip("/")
CROSSREF_PAUSE = float(os.environ.get("CROSSREF_PAUSE", "1"))
CROSSREF_DAILY_LIMIT = int(os.environ.get("CROSSREF_DAILY_LIMIT", "2000"))
CROSSREF_RECHECK_DAYS = float(os.environ.get("CROSSREF_RECHECK_DAYS", "14"))
CROSSREF_TIMEOUT = float(os.environ.get("CROSSREF_TIMEOUT", "20"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Feed ingestion (manage.py ingest_feeds, intake/fetching.py): seconds per fetch (the whole of it),
# bytes per answer, feeds fetched at once, and whether loopback addresses may be fetched (never in
# production; the tests serve feeds on 127.0.0.1).
INGEST_TIMEOUT = int(os.environ.get("INGEST_TIMEOUT", "20"))
INGEST_MAX_BYTES = int(os.environ.get("INGEST_MAX_BYTES", str(5 * 1024 * 1024)))
INGEST_CONCURRENCY = int(os.environ.get("INGEST_CONCURRENCY", "4"))
INGEST_ALLOW_LOOPBACK = env_flag("INGEST_ALLOW_LOOPBACK")
INGEST_INTERVAL = int(os.environ.get("INGEST_INTERVAL", "30"))
INGEST_STALE_DAYS = int(os.environ.get("INGEST_STALE_DAYS", "14"))

# E-mail (notifications to the desk, the digest): through the SMTP server the environment names,
# printed on the console when it names none (development).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_flag("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The site's address, for links in e-mails (sent without a request to read it from). Outside
# debugging, e-mails with links are refused unless it is https (newsletter.emails.site_url):
# RFC 8058's one-click unsubscribe needs https, and the links carry tokens.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")

# Work that should not hold a request (e-mail, checks) runs as tasks (django-tasks): stored in the
# database and run by ``manage.py db_worker`` in production, at once inside the request when
# debugging, so that ``make run`` needs no second process.
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_tasks_backend = os.environ.get("DJANGO_TASKS_BACKEND") or ("immediate" if DEBUG else "database")
if _tasks_backend not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"DJANGO_TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}.")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_tasks_backend]}}
