"""Login throttling (django-axes and the per-address rate limit): guessing stops before the password hasher, the
login page says why, other people keep signing in, and the national admin lifts a lock (audited).

Every request goes through the real login view, axes' backend and middleware and the database; the hasher is
Django's MD5 hasher with a counter, so the tests see how many attempts reached it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from indeks.accounts import services
from indeks.accounts.throttle import client_address, password_check_slot
from indeks.audit.models import AuditEntry
from indeks.errors import ActionRefused
from tests.platform.conftest import PASSWORD, World

LOGIN = "/login/"
HOME = "/"
ELSEWHERE = "10.20.30.40"


class CountingHasher(MD5PasswordHasher):
    """Django's MD5 hasher (fast, tests only), counting every hash computed: checks and dummy hashes alike."""

    calls: ClassVar[int] = 0

    def encode(self, password: str, salt: str) -> str:
        CountingHasher.calls += 1
        return super().encode(password, salt)


@pytest.fixture(autouse=True)
def _counted(settings: Any) -> Iterator[None]:
    """The counting hasher, and a rate limit out of the way (its own test sets it); no counters left in the cache."""
    settings.PASSWORD_HASHERS = ["tests.platform.test_login_throttle.CountingHasher"]
    settings.INDEKS_LOGIN_POSTS_PER_MINUTE = 1000
    CountingHasher.calls = 0
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def hashes(world: World) -> type[CountingHasher]:
    """The hash counter, started after the world's users got their passwords."""
    CountingHasher.calls = 0
    return CountingHasher


def _msg(message: str, lang: str = "id") -> str:
    with translation.override(lang):
        return translation.gettext(message)


def _locked_text(lang: str = "id") -> str:
    with translation.override(lang):
        return translation.ngettext(
            "Signing in is paused after too many failed attempts for this account or from this address. Try again in "
            "%(minutes)d minute, or ask the national administrator to lift the lock.",
            "Signing in is paused after too many failed attempts for this account or from this address. Try again in "
            "%(minutes)d minutes, or ask the national administrator to lift the lock.",
            10,
        ) % {"minutes": 10}


def _post(client: Client, username: str, password: str, address: str = "127.0.0.1") -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _guess(username: str, times: int, address: str = "127.0.0.1") -> list[int]:
    client = Client()
    return [_post(client, username, f"wrong-{i}", address).status_code for i in range(times)]


def test_thirty_wrong_passwords_then_the_right_one_does_not_sign_in(
    world: World, settings: Any, hashes: type[CountingHasher]
) -> None:
    username = world.a.users["coordinator"].username
    client = Client()
    statuses = [_post(client, username, f"tebakan-{i}").status_code for i in range(30)]
    # The first four are plain failures; the fifth locks; every later one is refused before the hasher.
    assert statuses[:4] == [200] * 4
    assert statuses[4:] == [429] * 26
    assert CountingHasher.calls == settings.AXES_FAILURE_LIMIT == 5

    right = _post(client, username, PASSWORD)
    assert right.status_code == 429
    assert not _signed_in(client)
    assert CountingHasher.calls == 5, "the right password of a locked account must not reach the hasher"
    page = right.content.decode()
    assert _locked_text() in page
    assert 'data-testid="login-refusal"' in page
    assert 'name="username"' in page
    assert f'value="{username}"' in page
    assert right["Retry-After"] == "600"


def test_the_lock_message_is_translated(world: World) -> None:
    username = world.a.users["operator"].username
    _guess(username, 5)
    english = Client()
    english.cookies[settings_language_cookie()] = "en"
    page = _post(english, username, PASSWORD).content.decode()
    assert _locked_text("en") in page
    assert "Signing in is paused" in page
    indonesian = _post(Client(), username, PASSWORD).content.decode()
    assert _locked_text("id") in indonesian
    assert _locked_text("id") != _locked_text("en")


def settings_language_cookie() -> str:
    from django.conf import settings

    return str(settings.LANGUAGE_COOKIE_NAME)


def test_another_person_from_another_address_still_signs_in(world: World) -> None:
    _guess(world.a.users["coordinator"].username, 30)
    other = Client()
    response = _post(other, world.b.users["coordinator"].username, PASSWORD, ELSEWHERE)
    assert response.status_code == 302
    assert response["Location"] == HOME
    assert _signed_in(other)
    assert other.get(HOME, REMOTE_ADDR=ELSEWHERE).status_code == 200


def test_the_locked_account_signs_in_from_another_address(world: World) -> None:
    """The lock is per account and address: a guesser elsewhere cannot lock an official out of their own office."""
    username = world.a.users["coordinator"].username
    _guess(username, 30, address="203.0.113.9")
    client = Client()
    assert _post(client, username, PASSWORD, ELSEWHERE).status_code == 302
    assert _signed_in(client)


def test_an_address_guessing_many_accounts_is_locked_for_every_account(
    world: World, settings: Any, hashes: type[CountingHasher]
) -> None:
    settings.INDEKS_LOGIN_ADDRESS_FAILURE_LIMIT = 12
    for key in ("coordinator", "official", "operator"):
        _guess(world.a.users[key].username, 4)  # below the account limit each, 12 from the address
    calls = CountingHasher.calls
    client = Client()
    response = _post(client, world.a.users["leadership"].username, PASSWORD)
    assert response.status_code == 429
    assert not _signed_in(client)
    assert CountingHasher.calls == calls
    assert _post(Client(), world.a.users["leadership"].username, PASSWORD, ELSEWHERE).status_code == 302


def test_a_few_typos_in_a_shared_office_lock_nobody_else(world: World) -> None:
    """Twelve failures from one NAT address (four people, three each) stay under the address limit (20)."""
    for key in ("coordinator", "official", "operator", "leadership"):
        _guess(world.a.users[key].username, 3)
    client = Client()
    assert _post(client, world.a.users["respondent_kominfo"].username, PASSWORD).status_code == 302
    assert _post(Client(), world.a.users["coordinator"].username, PASSWORD).status_code == 302


def test_a_successful_sign_in_forgets_that_accounts_failures(world: World) -> None:
    username = world.a.users["coordinator"].username
    _guess(username, 4)
    assert _post(Client(), username, PASSWORD).status_code == 302
    assert _guess(username, 4) == [200] * 4  # counting starts again


def test_the_rate_limit_refuses_before_the_form_and_the_hasher(
    world: World, settings: Any, hashes: type[CountingHasher]
) -> None:
    settings.INDEKS_LOGIN_POSTS_PER_MINUTE = 3
    username = world.a.users["coordinator"].username
    client = Client()
    assert [_post(client, username, "wrong-password").status_code for _ in range(3)] == [200] * 3
    calls = CountingHasher.calls
    refused = _post(client, username, PASSWORD)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert _msg("Too many sign-in attempts from this address in the last minute. Wait a minute and try again.") in (
        refused.content.decode()
    )
    assert CountingHasher.calls == calls
    assert not _signed_in(client)
    # Another address has its own counter.
    assert _post(Client(), username, PASSWORD, ELSEWHERE).status_code == 302


def test_a_sign_in_finding_every_password_check_busy_is_refused_at_once(
    world: World, settings: Any, hashes: type[CountingHasher]
) -> None:
    """With every slot taken (another worker hashing), the POST answers at once without hashing or locking."""
    settings.INDEKS_LOGIN_CONCURRENT_CHECKS = 1
    username = world.a.users["coordinator"].username
    client = Client()
    with password_check_slot() as mine:
        assert mine
        refused = _post(client, username, PASSWORD)
        with password_check_slot() as second:
            assert not second
    assert refused.status_code == 429
    assert refused["Retry-After"] == "2"
    busy = _msg("Many sign-ins are being checked at this moment. Try again in a few seconds.")
    assert busy in refused.content.decode()
    assert hashes.calls == 0
    assert not _signed_in(client)
    # The slot is free again, and the refusal counted as no failure.
    assert _post(client, username, PASSWORD).status_code == 302
    assert hashes.calls == 1


def test_the_national_admin_lifts_an_account_lock_and_it_is_audited(world: World) -> None:
    username = world.a.users["coordinator"].username
    _guess(username, 30)
    admin = Client()
    admin.force_login(world.admin)
    page = admin.get(reverse("accounts:lockouts"))
    assert page.status_code == 200
    text = page.content.decode()
    assert username in text
    assert "127.0.0.1" in text
    assert 'id="locked-addresses"' in text

    response = admin.post(reverse("accounts:unlock"), {"username": username, "address": "127.0.0.1"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="signin.unlock")
    assert entry.actor == world.admin
    assert (entry.field, entry.old, entry.new) == ("account", "30", "0")
    assert entry.note == f"{username} @ 127.0.0.1"
    assert username not in admin.get(reverse("accounts:lockouts")).content.decode().split('id="locked-accounts"')[1]

    client = Client()
    assert _post(client, username, PASSWORD).status_code == 302
    assert _signed_in(client)


def test_the_national_admin_lifts_an_address_lock(world: World, settings: Any) -> None:
    settings.INDEKS_LOGIN_ADDRESS_FAILURE_LIMIT = 8
    for key in ("coordinator", "official"):
        _guess(world.a.users[key].username, 4, address="198.51.100.7")
    assert _post(Client(), world.a.users["operator"].username, PASSWORD, "198.51.100.7").status_code == 429
    admin = Client()
    admin.force_login(world.admin)
    assert "198.51.100.7" in admin.get(reverse("accounts:lockouts")).content.decode()
    admin.post(reverse("accounts:unlock"), {"address": "198.51.100.7"})
    entry = AuditEntry.objects.get(action="signin.unlock")
    assert (entry.field, entry.old, entry.note) == ("address", "9", "198.51.100.7")
    assert _post(Client(), world.a.users["operator"].username, PASSWORD, "198.51.100.7").status_code == 302


@pytest.mark.parametrize("key", ["coordinator", "official", "operator", "leadership", "respondent_kominfo"])
def test_the_lockouts_page_is_404_for_everyone_but_the_national_admin(world: World, key: str) -> None:
    _guess(world.a.users["official"].username, 5)
    client = world.a.client(key)
    assert client.get(reverse("accounts:lockouts")).status_code == 404
    username = world.a.users["official"].username
    assert client.post(reverse("accounts:unlock"), {"username": username, "address": "127.0.0.1"}).status_code == 404
    assert not AuditEntry.objects.filter(action="signin.unlock").exists()


def test_the_lockouts_page_needs_a_sign_in_and_the_unlock_a_post_with_csrf(world: World) -> None:
    anonymous = Client()
    assert anonymous.get(reverse("accounts:lockouts"))["Location"].startswith("/login/")
    admin = Client(enforce_csrf_checks=True)
    admin.force_login(world.admin)
    assert admin.get(reverse("accounts:unlock")).status_code == 405
    assert admin.post(reverse("accounts:unlock"), {"address": "127.0.0.1"}).status_code == 403


def test_the_unlock_service_checks_the_role_and_refuses_nothing_to_lift(world: World) -> None:
    _guess(world.a.users["official"].username, 5)
    with pytest.raises(PermissionDenied):
        services.unlock(world.a.actor("coordinator"), address="127.0.0.1")
    with translation.override("en"):  # after the requests above (the middleware activated Indonesian)
        with pytest.raises(ActionRefused, match="already been lifted"):
            services.unlock(world.admin_actor(), address="192.0.2.1")
        with pytest.raises(ActionRefused, match="Choose a lock"):
            services.unlock(world.admin_actor())
    assert services.unlock(world.admin_actor(), address="127.0.0.1") == 5
    assert AuditEntry.objects.filter(action="signin.unlock").count() == 1


def test_the_client_address_behind_trusted_proxies(settings: Any) -> None:
    factory = RequestFactory()

    def address(remote: str, forwarded: str | None = None) -> str | None:
        extra = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            extra["HTTP_X_FORWARDED_FOR"] = forwarded
        return client_address(factory.post(LOGIN, **extra))

    settings.INDEKS_TRUSTED_PROXIES = 0
    assert address("192.0.2.10", "198.51.100.1") == "192.0.2.10"  # no proxy trusted: the header is ignored
    settings.INDEKS_TRUSTED_PROXIES = 1
    assert address("127.0.0.1", "198.51.100.1") == "198.51.100.1"
    assert address("127.0.0.1", "6.6.6.6, 198.51.100.1") == "198.51.100.1"  # what the client claims is skipped
    assert address("127.0.0.1") == "127.0.0.1"
    assert address("127.0.0.1", "not-an-address") is None
    settings.INDEKS_TRUSTED_PROXIES = 2
    assert address("10.0.0.2", "6.6.6.6, 198.51.100.1, 10.0.0.1") == "198.51.100.1"
