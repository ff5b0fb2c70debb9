import os
import shutil

import pytest
from django.core.management import call_command

from .mail_server import smtp_server  # noqa: F401 -- a fixture for every test module

SEED_PERMALINK = (
    "2024-05-24-nice-publishes-a-guidance-supporting-the-use-of-selective-internal-"
    "radiation-therapy-for-neuroendocrine-tumors-with-liver-metastasis"
)


@pytest.fixture
def seed(db):
    """The real article the site was published from, loaded from fixtures/seed.json."""
    from articles.models import Article

    call_command("loaddata", "seed", verbosity=0)
    return Article.objects.get(permalink=SEED_PERMALINK)


@pytest.fixture
def author(db):
    from .factories import staff

    return staff("autrice", "Authors")


@pytest.fixture
def editor(db):
    from .factories import staff

    return staff("redactrice", "Editors")


@pytest.fixture
def author_client(client, author):
    from .factories import client_for

    return client_for(client, author)


@pytest.fixture
def editor_client(client, editor):
    from .factories import client_for

    return client_for(client, editor)


def pytest_report_header(config):
    from django.conf import settings

    database = settings.DATABASES["default"]
    return f"database: {database['ENGINE'].rsplit('.', 1)[-1]} {database.get('HOST') or database['NAME']}"


# Flags for Debian's Chromium on these machines: no sandbox as root, and no
# background connections to a network that is not there.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def debian_program(name):
    """The path of a program from Debian's package of that name; missing, it fails under CI, else skips."""
    executable = shutil.which(name)
    if executable is None:
        message = f"Debian's {name} is not installed (apt-get install {name})"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return executable


@pytest.fixture(scope="session")
def browser():
    """The system Chromium driven by Playwright; never a downloaded browser."""
    executable = debian_program("chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the
    # tests make around it are still plain synchronous ones.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser):
    """A fresh browser tab that fails the test if a dialog ever opens."""
    context = browser.new_context(locale="fr-FR")
    tab = context.new_page()
    dialogs = []
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield tab
    context.close()
    assert dialogs == [], f"a dialog opened: {dialogs}"


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded images and their renditions go to a fresh folder for each test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def french_by_default():
    """Each test starts in the site's language: a request under /en/ leaves English active in the thread."""
    from django.utils import translation

    with translation.override("fr"):
        yield


@pytest.fixture(autouse=True)
def no_missed_change_carried_over():
    """A test whose cache did not answer leaves this process owing a site-wide change
    (articles.caching.bump): made up at the next look into the cache, it would cost the next
    test's first page queries of its own."""
    yield
    from articles import caching

    caching._missed_change = False


@pytest.fixture(autouse=True)
def identity_read(request):
    """Each test that uses the database starts with the site's identity read, as a running site
    has it (publication/identity.py, read once per change): a page's query count is then the same
    whichever test ran before, or none."""
    uses_database = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
        request.fixturenames
    )
    if uses_database:
        from publication import identity

        request.getfixturevalue("django_db_setup")
        with request.getfixturevalue("django_db_blocker").unblock():
            identity.current()
