"""Hostile users: forged requests, password guessing, framing, scripts."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from .servers import manage
from .test_settings import PRODUCTION

ADMIN_LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user(
        "redaction", password="un mot de passe assez long", is_staff=True
    )


def log_in(client, password, address):
    return client.post(ADMIN_LOGIN, {"username": "redaction", "password": password}, REMOTE_ADDR=address)


@pytest.mark.django_db
class TestHeaders:
    @pytest.mark.parametrize("path", ["/", "/admin/login/"])
    def test_every_page_forbids_inline_scripts_and_framing(self, client, path):
        response = client.get(path)

        policy = dict(
            directive.strip().split(" ", 1) for directive in response["Content-Security-Policy"].split(";")
        )
        assert policy["script-src"] == "'self'"
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert policy["frame-ancestors"] == "'none'"
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"

    @pytest.mark.parametrize("path", ["/", "/admin/login/"])
    def test_every_page_over_https_asks_for_https_for_a_year(self, client, path):
        response = client.get(path, secure=True)

        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.django_db
class TestLogin:
    def test_admin_post_without_csrf_token_is_refused(self, editor):
        client = Client(enforce_csrf_checks=True)

        response = log_in(client, "un mot de passe assez long", "192.0.2.1")

        assert response.status_code == 403

    def test_five_failures_lock_that_user_from_that_address_only(self, client, editor):
        for _ in range(4):
            assert log_in(client, "mauvais", "192.0.2.1").status_code == 200
        assert log_in(client, "mauvais", "192.0.2.1").status_code == 429  # the fifth failure

        locked = log_in(client, "un mot de passe assez long", "192.0.2.1")
        elsewhere = log_in(Client(), "un mot de passe assez long", "198.51.100.7")

        assert locked.status_code == 429
        assert "_auth_user_id" not in client.session
        assert elsewhere.status_code == 302
        assert elsewhere["Location"] == "/admin/"

    def test_session_lasts_a_working_day_and_logout_ends_it(self, client, editor):
        response = log_in(client, "un mot de passe assez long", "192.0.2.1")
        cookie = response.cookies["sessionid"]
        assert cookie["max-age"] == 12 * 60 * 60
        assert cookie["httponly"]
        assert cookie["secure"]
        assert response.cookies["csrftoken"]["secure"]
        assert client.get("/admin/").status_code == 200

        stolen = Client()
        stolen.cookies["sessionid"] = cookie.value
        client.post("/admin/logout/")

        assert stolen.get("/admin/").status_code == 302

    def test_passwords_need_twelve_characters(self):
        with pytest.raises(ValidationError):
            validate_password("Court-7x!")
        validate_password("une phrase de passe")


PROXY = "10.0.0.2"  # what REMOTE_ADDR says for every client behind the proxy
ATTACKER, EDITOR = "203.0.113.9", "198.51.100.7"


def log_in_through_proxy(client, password, forwarded_for):
    """A login as the proxy passes it on: its own address, the client's appended to X-Forwarded-For."""
    return client.post(
        ADMIN_LOGIN,
        {"username": "redaction", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@pytest.fixture
def behind_the_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1  # what DJANGO_SECURE_PROXY=1 gives (see the test below)


@pytest.mark.django_db
class TestLoginBehindTheProxy:
    def test_the_attackers_address_is_locked_and_the_editor_elsewhere_logs_in(self, behind_the_proxy, editor):
        attacker = Client()
        for _ in range(4):
            assert log_in_through_proxy(attacker, "mauvais", ATTACKER).status_code == 200
        assert log_in_through_proxy(attacker, "mauvais", ATTACKER).status_code == 429

        locked = log_in_through_proxy(attacker, "un mot de passe assez long", ATTACKER)
        elsewhere = log_in_through_proxy(Client(), "un mot de passe assez long", EDITOR)

        assert locked.status_code == 429
        assert elsewhere.status_code == 302
        assert elsewhere["Location"] == "/admin/"

    def test_a_forged_forwarded_for_does_not_choose_the_address(self, behind_the_proxy, editor):
        attacker = Client()
        for number in range(5):
            # A new address written by the attacker each time; the proxy appends the real one.
            log_in_through_proxy(attacker, "mauvais", f"192.0.2.{number}, 10.1.1.1, {ATTACKER}")

        # Claiming the editor's address, with as many hops as it likes, changes nothing.
        for forged in (f"{EDITOR}, {ATTACKER}", f"{EDITOR}, {EDITOR}, {ATTACKER}"):
            assert log_in_through_proxy(attacker, "un mot de passe assez long", forged).status_code == 429
        assert "_auth_user_id" not in attacker.session
        assert log_in_through_proxy(Client(), "un mot de passe assez long", EDITOR).status_code == 302

    def test_an_attacker_rotating_the_addresses_of_its_ipv6_network_stays_locked(
        self, behind_the_proxy, editor
    ):
        # An IPv6 subscriber holds a whole /64: 2**64 addresses, five guesses each, had the
        # lockout counted addresses. It counts the network (and an IPv4 address however written).
        attacker = Client()
        for number in range(1, 5):
            assert log_in_through_proxy(attacker, "mauvais", f"2001:db8:1:2::{number:x}").status_code == 200
        assert log_in_through_proxy(attacker, "mauvais", "2001:db8:1:2:ffff:ffff:ffff:5").status_code == 429

        assert (
            log_in_through_proxy(attacker, "un mot de passe assez long", "2001:db8:1:2::99").status_code
            == 429
        )
        assert (
            log_in_through_proxy(Client(), "un mot de passe assez long", "2001:db8:1:3::1").status_code == 302
        )

    def test_an_ipv4_address_written_as_ipv6_is_the_same_address(self, behind_the_proxy, editor):
        attacker = Client()
        for _ in range(5):
            log_in_through_proxy(attacker, "mauvais", ATTACKER)

        mapped = log_in_through_proxy(attacker, "un mot de passe assez long", f"::ffff:{ATTACKER}")

        assert mapped.status_code == 429


@pytest.mark.parametrize(
    "environment, counted",
    [
        ({"DJANGO_SECURE_PROXY": "1", "DJANGO_PROXY_COUNT": ""}, ATTACKER),  # one proxy by default
        ({"DJANGO_SECURE_PROXY": "1", "DJANGO_PROXY_COUNT": "2"}, "10.1.1.1"),
        ({"DJANGO_SECURE_PROXY": ""}, PROXY),  # no proxy declared: X-Forwarded-For is not read at all
    ],
)
def test_behind_the_documented_proxy_setting_the_lockout_counts_the_client_by_user_and_address(
    environment, counted
):
    code = (
        "from django.conf import settings; from django.test import RequestFactory; "
        "from axes.helpers import get_client_ip_address; "
        f"request = RequestFactory().get('/', REMOTE_ADDR='{PROXY}', "
        f"HTTP_X_FORWARDED_FOR='192.0.2.1, 10.1.1.1, {ATTACKER}'); "
        "print(settings.AXES_LOCKOUT_PARAMETERS, get_client_ip_address(request))"
    )
    result = manage("shell", "--no-imports", "-c", code, env={**PRODUCTION, **environment})

    assert result.stdout.split() == ["[['username',", "'ip_address']]", counted]


def test_production_hashes_passwords_with_argon2():
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.contrib.auth.hashers import make_password; print(make_password('x' * 12))",
        env=PRODUCTION,
    )

    assert result.stdout.startswith("argon2$argon2id$")
