"""/healthz: what a load balancer or a benchmark calls."""

import pytest

from .servers import fetch, gunicorn


@pytest.mark.django_db
def test_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize(
    "database_url",
    [
        "sqlite:////nonexistent-directory/newsroom.sqlite3",
        "postgres://newsroom@127.0.0.1:9/newsroom",  # the discard port: nothing listens
    ],
    ids=["sqlite", "postgresql"],
)
def test_answers_503_when_the_database_does_not(database_url):
    with gunicorn({"DJANGO_SETTINGS_MODULE": "newsroom.test_settings", "DATABASE_URL": database_url}) as url:
        status, _headers, body = fetch(f"{url}/healthz")

    assert status == 503
    assert body == b"database unavailable\n"
