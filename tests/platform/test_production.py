"""Production settings (INDEKS_ENV=production): refused without SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL; HTTPS
switches from the environment; `manage.py check --deploy` clean; sessions for shared office computers; and the
Content-Security-Policy without inline script in every environment.

The production cases run `manage.py` in a subprocess with their own environment, since settings are read once per
process.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.platform.conftest import PASSWORD, World

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(ROOT.glob("indeks/*/templates/**/*.html"))
SECRET = "k3B9-pQ_vX2mZ7rT0wYc5nL8hJ4gF1dS6aE-uI9oP3qW7eR2tY5uI8oP1aS4dF7g"
HOST = "indeks.example.go.id"


def _environment(tmp_path: Path, **changes: str | None) -> dict[str, str]:
    """This process's environment without the platform's variables, plus a complete production configuration."""
    names = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DEBUG", "CSRF_TRUSTED_ORIGINS")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in names and not k.startswith(("SECURE_", "SESSION_", "CSRF_COOKIE", "INDEKS_"))
    }
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "indeks.settings",
            "INDEKS_ENV": "production",
            "INDEKS_VAR_DIR": str(tmp_path / "var"),
            "SECRET_KEY": SECRET,
            "ALLOWED_HOSTS": HOST,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        }
    )
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def _manage(tmp_path: Path, *args: str, **changes: str | None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=_environment(tmp_path, **changes),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRINT_SETTINGS = (
    "import json; from django.conf import settings as s; print(json.dumps({n: getattr(s, n) for n in ["
    "'DEBUG', 'ALLOWED_HOSTS', 'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
    "'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD', 'SECURE_PROXY_SSL_HEADER', "
    "'SESSION_COOKIE_AGE', 'SESSION_EXPIRE_AT_BROWSER_CLOSE', 'INDEKS_TRUSTED_PROXIES']}))"
)


def _settings_of(tmp_path: Path, **changes: str | None) -> dict[str, Any]:
    done = _manage(tmp_path, "shell", "-c", PRINT_SETTINGS, **changes)
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without(tmp_path: Path, missing: str) -> None:
    done = _manage(tmp_path, "check", **{missing: None})
    assert done.returncode != 0
    assert "Production settings (INDEKS_ENV=production) need these environment variables: " + missing in done.stderr
    # An empty value counts as missing.
    done = _manage(tmp_path, "check", **{missing: ""})
    assert done.returncode != 0
    assert missing in done.stderr.splitlines()[-1]


def test_production_names_every_missing_variable_at_once(tmp_path: Path) -> None:
    done = _manage(tmp_path, "check", SECRET_KEY=None, ALLOWED_HOSTS=None, DATABASE_URL=None)
    last = done.stderr.strip().splitlines()[-1]
    assert last.endswith(
        "need these environment variables: SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL. See docs/operations.md, Production."
    )


def test_production_refuses_the_development_key_and_debug(tmp_path: Path) -> None:
    done = _manage(tmp_path, "check", SECRET_KEY=settings.DEVELOPMENT_SECRET_KEY)
    assert done.returncode != 0
    assert "SECRET_KEY is the development key of the repository" in done.stderr
    done = _manage(tmp_path, "check", DEBUG="1")
    assert done.returncode != 0
    assert "DEBUG=1 is not allowed with INDEKS_ENV=production" in done.stderr


def test_a_mistyped_switch_is_refused_by_name(tmp_path: Path) -> None:
    done = _manage(tmp_path, "check", SECURE_SSL_REDIRECT="maybe")
    assert done.returncode != 0
    assert "SECURE_SSL_REDIRECT must be 1 or 0" in done.stderr
    done = _manage(tmp_path, "check", SECURE_HSTS_SECONDS="a year")
    assert "SECURE_HSTS_SECONDS must be a whole number" in done.stderr
    done = _manage(tmp_path, "check", INDEKS_ENV="staging")
    assert "INDEKS_ENV must be one of development, production" in done.stderr


def test_check_deploy_is_clean_under_production_settings(tmp_path: Path) -> None:
    done = _manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout


def test_check_deploy_warns_when_https_is_switched_off(tmp_path: Path) -> None:
    """The switches really reach Django: turning them off brings back the warnings check --deploy knows."""
    done = _manage(
        tmp_path, "check", "--deploy", SECURE_SSL_REDIRECT="0", SESSION_COOKIE_SECURE="0", SECURE_HSTS_SECONDS="0"
    )
    for code in ("security.W004", "security.W008", "security.W012"):
        assert code in done.stderr + done.stdout


def test_production_defaults_and_switches(tmp_path: Path) -> None:
    on = _settings_of(tmp_path)
    assert on == {
        "DEBUG": False,
        "ALLOWED_HOSTS": [HOST],
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_PROXY_SSL_HEADER": None,
        "SESSION_COOKIE_AGE": 28800,
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": True,
        "INDEKS_TRUSTED_PROXIES": 0,
    }
    switched = _settings_of(
        tmp_path,
        ALLOWED_HOSTS=f"{HOST}, www.{HOST}",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="off",
        SECURE_HSTS_SECONDS="3600",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="no",
        SECURE_HSTS_PRELOAD="0",
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        SESSION_COOKIE_AGE="3600",
        INDEKS_TRUSTED_PROXIES="1",
    )
    assert switched == {
        "DEBUG": False,
        "ALLOWED_HOSTS": [HOST, f"www.{HOST}"],
        "SECURE_SSL_REDIRECT": False,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_HSTS_SECONDS": 3600,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SESSION_COOKIE_AGE": 3600,
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": True,
        "INDEKS_TRUSTED_PROXIES": 1,
    }


def test_development_stays_as_before(tmp_path: Path) -> None:
    dev = _settings_of(tmp_path, INDEKS_ENV=None, SECRET_KEY=None, ALLOWED_HOSTS=None, DATABASE_URL=None)
    assert dev["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost", "testserver"]
    assert not dev["SECURE_SSL_REDIRECT"]
    assert not dev["SESSION_COOKIE_SECURE"]
    assert dev["SECURE_HSTS_SECONDS"] == 0
    assert dev["SESSION_COOKIE_AGE"] == 28800
    assert dev["SESSION_EXPIRE_AT_BROWSER_CLOSE"]


# One request through the whole middleware stack under production settings (behind a proxy that sets the header).
PRODUCTION_REQUEST = f"""
import json
from django.test import Client
plain = Client().get("/login/", HTTP_HOST="{HOST}")
secure = Client().get("/login/", HTTP_HOST="{HOST}", HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({{
    "plain": [plain.status_code, plain.get("Location")],
    "secure": secure.status_code,
    "hsts": secure.get("Strict-Transport-Security"),
    "csp": secure.get("Content-Security-Policy"),
    "csrf_cookie_secure": bool(secure.cookies["csrftoken"]["secure"]),
}}))
"""


def test_a_production_request_is_redirected_to_https_and_gets_hsts(tmp_path: Path) -> None:
    done = _manage(tmp_path, "shell", "-c", PRODUCTION_REQUEST, SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["plain"] == [301, f"https://{HOST}/login/"]
    assert seen["secure"] == 200
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert "script-src 'self'" in seen["csp"]
    assert seen["csrf_cookie_secure"] is True


# --- sessions (every environment) ----------------------------------------------------------------------------------


def test_a_sign_in_lasts_eight_hours_and_ends_with_the_browser(world: World) -> None:
    client = Client()
    response = client.post("/login/", {"username": world.a.users["coordinator"].username, "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "", "a browser-session cookie (no expiry date)"
    assert cookie["max-age"] == ""
    assert cookie["httponly"]
    assert client.session.get_expiry_age() == 8 * 60 * 60
    assert client.session.get_expire_at_browser_close()


# --- the Content-Security-Policy (every environment) ---------------------------------------------------------------


def _directives(header: str) -> dict[str, list[str]]:
    parts = (p.strip().split() for p in header.split(";") if p.strip())
    return {p[0]: p[1:] for p in parts}


def test_every_page_carries_the_policy_without_inline_script(world: World) -> None:
    pages = [
        (Client(), "/login/"),
        (world.a.client("coordinator"), reverse("assessment:dashboard", args=(world.a.participation.pk,))),
        (world.a.client("coordinator"), "/does-not-exist/"),
    ]
    for client, url in pages:
        header = client.get(url)["Content-Security-Policy"]
        directives = _directives(header)
        assert directives["script-src"] == ["'self'"], url
        assert directives["style-src"] == ["'self'"], url
        assert directives["object-src"] == ["'none'"]
        assert directives["frame-ancestors"] == ["'none'"]
        assert "'unsafe-inline'" not in header
        assert "'unsafe-eval'" not in header


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']|\shx-on[:\-]|\sstyle\s*=\s*["']|javascript:""", re.IGNORECASE)


def test_no_template_has_inline_script_handlers_or_style_attributes() -> None:
    found = []
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in INLINE_SCRIPT.finditer(text)]
        found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in HANDLER.finditer(text)]
    assert found == []
    assert len(TEMPLATES) > 30


def test_rendered_pages_load_scripts_only_from_static_files(world: World) -> None:
    client = world.a.client("coordinator")
    p = world.a.participation.pk
    for url in (
        reverse("assessment:dashboard", args=(p,)),
        reverse("assessment:indicator", args=(p, 1)),
        reverse("planning:planner", args=(p,)),
        reverse("planning:simulator", args=(p,)),
    ):
        page = client.get(url).content.decode()
        assert INLINE_SCRIPT.findall(page) == [], url
        assert HANDLER.findall(page) == [], url
        assert '<script src="/static/web/indeks.js" defer></script>' in page
        assert '"includeIndicatorStyles": false' in page
        assert "htmx under the" not in page  # the template's comment stays a comment
