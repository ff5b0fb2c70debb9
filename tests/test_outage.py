"""A database that goes away: a maintenance page, then recovery without a restart."""

import os

import pytest

from .pgcluster import PostgresCluster, PostgresUnavailable
from .servers import fetch, gunicorn, manage

MAINTENANCE = "Site momentanément indisponible"


def test_pages_answer_503_with_a_maintenance_page_when_the_database_is_unreachable():
    env = {
        "DJANGO_SETTINGS_MODULE": "newsroom.test_settings",
        "DATABASE_URL": "postgres://newsroom@127.0.0.1:9/newsroom",  # nothing listens on port 9
    }
    with gunicorn(env) as url:
        pages = {path: fetch(url + path) for path in ["/", "/papers/2024-05-24-x", "/tags/france/"]}

    for path, (status, headers, body) in pages.items():
        assert status == 503, path
        assert headers["Retry-After"] == "60"
        assert MAINTENANCE in body.decode()
        assert "Traceback" not in body.decode() and "OperationalError" not in body.decode()


@pytest.fixture
def postgres():
    try:
        with PostgresCluster() as cluster:
            yield cluster
    except PostgresUnavailable as error:
        if os.environ.get("CI") == "true":
            pytest.fail(str(error))
        pytest.skip(str(error))


def test_site_recovers_by_itself_when_postgresql_comes_back(postgres):
    env = {"DJANGO_SETTINGS_MODULE": "newsroom.test_settings", "DATABASE_URL": postgres.url()}
    manage("migrate", "-v0", env=env)
    manage("loaddata", "seed", "-v0", env=env)

    with gunicorn(env) as url:
        assert fetch(url + "/")[0] == 200
        assert fetch(url + "/healthz")[0] == 200

        postgres.stop()
        down = fetch(url + "/")
        assert down[0] == 503 and MAINTENANCE in down[2].decode()
        assert fetch(url + "/healthz")[0] == 503

        postgres.start()
        status, _headers, body = fetch(url + "/")  # the very first request after the restart
        assert status == 200
        assert "NICE publishes a guidance" in body.decode()
        assert fetch(url + "/healthz")[0] == 200
