"""Production settings: what happens with only the environment a server would have."""

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys

import pytest
from django.conf import settings

from .servers import PROJECT, fetch, gunicorn, manage, process_env

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "newsroom.settings",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "k3#Qz8vLp!2mW9rT^x7Yb$5nHc4Jd6Fg0Ae1Ui*Os(Pl)Rk_Vt+Sw=Zq%Xy&Mn@Bj",
    "DJANGO_ALLOWED_HOSTS": "news.example.org",
    "SITE_URL": "https://news.example.org",
    "EMAIL_HOST": "smtp.example.org",
}


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", env={**PRODUCTION, "DJANGO_SECRET_KEY": ""}, check=False)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr


def test_deployment_checklist_is_clean():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", env=PRODUCTION, check=False)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_checklist_warns_of_a_site_url_e_mails_cannot_use():
    for url in ("", "http://news.example.org"):
        result = manage("check", "--deploy", env={**PRODUCTION, "SITE_URL": url}, check=False)
        assert "newsletter.W001" in result.stderr and "SITE_URL" in result.stderr


def test_the_checklist_warns_that_without_an_smtp_server_mail_goes_into_the_logs():
    result = manage("check", "--deploy", env={**PRODUCTION, "EMAIL_HOST": ""}, check=False)
    assert "newsletter.W002" in result.stderr and "EMAIL_HOST" in result.stderr


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


# Local development: `make run` writes .env, and every manage.py command reads it.
LOCAL_ONLY = {
    "DJANGO_ENV_FILE",
    "DJANGO_SECRET_KEY",
    "DJANGO_DEBUG",
    "DATABASE_URL",
    "DJANGO_SETTINGS_MODULE",
}


@pytest.fixture
def checkout(tmp_path):
    """The project as a fresh clone would be, in a directory of its own: its own .env and
    its own db.sqlite3 (the settings are copied, so that they look for both there)."""
    for name in ("manage.py", "Makefile"):
        shutil.copy(PROJECT / name, tmp_path / name)
    shutil.copytree(PROJECT / "newsroom", tmp_path / "newsroom", ignore=shutil.ignore_patterns("__pycache__"))
    apps = [path.name for path in PROJECT.iterdir() if (path / "apps.py").is_file()]
    for name in (*(app for app in apps if app != "newsroom"), "templates", "static", "locale", "fixtures"):
        (tmp_path / name).symlink_to(PROJECT / name)
    return tmp_path


def run_in(directory, *command, env=None):
    """COMMAND in DIRECTORY with a developer's shell environment: nothing exported for the site."""
    clean = {key: value for key, value in process_env(None).items() if key not in LOCAL_ONLY}
    return subprocess.run(
        command, cwd=directory, env={**clean, **(env or {})}, capture_output=True, text=True, timeout=300
    )


def test_make_run_writes_a_development_env_file_once(checkout):
    written = run_in(checkout, "make", ".env", f"PYTHON={sys.executable}")
    first = (checkout / ".env").read_text()
    again = run_in(checkout, "make", ".env", f"PYTHON={sys.executable}")

    assert written.returncode == 0, written.stderr
    assert "DJANGO_DEBUG=1\n" in first
    secret = re.search(r"^DJANGO_SECRET_KEY=(\S{50,})$", first, re.MULTILINE)
    assert secret and "insecure" not in secret[1]
    assert again.returncode == 0 and (checkout / ".env").read_text() == first  # kept, never rewritten
    assert ".env" in (PROJECT / ".gitignore").read_text().split()


def test_the_commands_printed_by_make_run_work_with_its_env_file(checkout):
    run_in(checkout, "make", ".env", f"PYTHON={sys.executable}")

    migrated = run_in(checkout, sys.executable, "manage.py", "migrate", "--no-input")
    created = run_in(
        checkout,
        *(sys.executable, "manage.py", "createsuperuser", "--noinput", "--username", "x"),
        *("--email", "x@example.org"),
        env={"DJANGO_SUPERUSER_PASSWORD": "a long enough password 42"},
    )

    assert migrated.returncode == 0, migrated.stderr
    assert created.returncode == 0, created.stderr
    assert "Superuser created successfully." in created.stdout
    with sqlite3.connect(checkout / "db.sqlite3") as database:
        users = database.execute("SELECT username, email, is_superuser FROM auth_user").fetchall()
    assert users == [("x", "x@example.org", 1)]


def test_without_env_file_or_secret_nothing_starts(checkout):
    result = run_in(checkout, sys.executable, "manage.py", "createsuperuser", "--noinput", "--username", "x")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr
    assert not (checkout / "db.sqlite3").exists()


def test_the_real_environment_wins_over_the_env_file(checkout):
    (checkout / ".env").write_text(
        "# comment\n\nexport DJANGO_DEBUG=1\nDJANGO_SECRET_KEY='from the file " + "k" * 50 + "'\n"
    )
    show = "from django.conf import settings; print(settings.DEBUG, settings.SECRET_KEY[:13])"

    from_file = run_in(checkout, sys.executable, "manage.py", "shell", "-v0", "-c", show)
    overridden = run_in(
        checkout, sys.executable, "manage.py", "shell", "-v0", "-c", show, env={"DJANGO_DEBUG": "0"}
    )
    production = run_in(
        checkout, sys.executable, "manage.py", "check", env={"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": ""}
    )

    assert from_file.stdout == "True from the file\n", from_file.stderr
    assert overridden.stdout == "False from the file\n", overridden.stderr
    assert production.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in production.stderr


def test_a_malformed_env_file_is_refused_naming_its_line(checkout):
    (checkout / ".env").write_text("DJANGO_DEBUG=1\nthis is not a setting\n")

    result = run_in(checkout, sys.executable, "manage.py", "check")

    assert result.returncode != 0
    assert f"{checkout / '.env'}, line 2: expected NAME=value" in result.stderr


def test_the_tests_never_read_a_developers_env_file():
    assert os.environ["DJANGO_ENV_FILE"] == ""  # inherited by every process a test starts
    assert settings.SECRET_KEY.startswith("test-only-")
