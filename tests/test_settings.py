"""Production settings: what happens with only the environment a server would have."""

import json

import pytest

from .servers import fetch, gunicorn, manage

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "newsroom.settings",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "k3#Qz8vLp!2mW9rT^x7Yb$5nHc4Jd6Fg0Ae1Ui*Os(Pl)Rk_Vt+Sw=Zq%Xy&Mn@Bj",
    "DJANGO_ALLOWED_HOSTS": "news.example.org",
}


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", env={**PRODUCTION, "DJANGO_SECRET_KEY": ""}, check=False)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr


def test_deployment_checklist_is_clean():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", env=PRODUCTION, check=False)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


SECURITY = [
    "DEBUG",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
]


def test_the_tests_run_with_production_security_whatever_the_environment_says():
    code = f"from django.conf import settings; print([getattr(settings, name) for name in {SECURITY}])"
    production = manage("shell", "--no-imports", "-c", code, env=PRODUCTION).stdout
    under_tests = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        env={"DJANGO_SETTINGS_MODULE": "newsroom.test_settings", "DJANGO_DEBUG": "1"},
    ).stdout

    assert production.strip() == "[False, True, True, 31536000, True, True]"
    assert under_tests == production


@pytest.mark.django_db
def test_unknown_host_is_refused(client):
    assert client.get("/", HTTP_HOST="evil.example").status_code == 400


def test_static_files_get_hashed_compressed_names_served_for_a_year(tmp_path):
    env = {**PRODUCTION, "DJANGO_STATIC_ROOT": str(tmp_path)}
    manage("collectstatic", "--no-input", "-v0", env=env)
    hashed = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]["css/site.css"]

    assert hashed != "css/site.css"
    assert (tmp_path / f"{hashed}.gz").exists()
    with gunicorn({**env, "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "DJANGO_SECURE_PROXY": "1"}) as url:
        plain_http = fetch(f"{url}/static/{hashed}")
        status, headers, _body = fetch(
            f"{url}/static/{hashed}", headers={"Accept-Encoding": "gzip", "X-Forwarded-Proto": "https"}
        )

    assert plain_http[0] == 301
    assert plain_http[1]["Location"] == f"{url.replace('http:', 'https:')}/static/{hashed}"

    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in headers["Cache-Control"] and "immutable" in headers["Cache-Control"]
