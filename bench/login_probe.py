"""Login probes against a running server (standard library only): password guessing, and another user's dashboard
while clients guess.

    python -m bench.login_probe setup                 # a small SQLite world (run with the server's environment)
    python -m bench.login_probe probe  URL            # 30 wrong passwords, then the right one
    python -m bench.login_probe load   URL [CLIENTS] [SECONDS]

``setup`` creates one round, two agencies and their accounts with the default (slow, real) password hasher.
``probe`` and ``load`` sign in through the login page like a browser (CSRF cookie and field). ``load`` first times
the victim's agency dashboard alone, then while CLIENTS threads (default 8) post wrong passwords; each guessing
client sends ``X-Forwarded-For: 198.51.100.N``, which the server reads as its address only with
``INDEKS_TRUSTED_PROXIES=1`` (otherwise all clients share 127.0.0.1).
"""

from __future__ import annotations

import http.cookiejar
import re
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

VICTIM = "coordinator-32.73"
TARGET = "coordinator-51.71"
PASSWORD = "a-test-password-123"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """One client with its own cookies; never follows redirects (a sign-in answers 302)."""

    def __init__(self, base: str, address: str | None = None) -> None:
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.address = address

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: object, **kwargs: object) -> None:
                return None

        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str, float]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        if self.address:
            request.add_header("X-Forwarded-For", self.address)
        if data is not None:
            request.add_header("Referer", self.base + path)
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=120) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
        return status, text, (time.perf_counter() - started) * 1000

    def login(self, username: str, password: str) -> tuple[int, str, float]:
        _, page, _ = self.request("/login/")
        token = CSRF.search(page)
        assert token, "no CSRF token on the login page"
        form = {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password}
        return self.request("/login/", form)


def setup() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from indeks.registry.models import Role, RoleAssignment
    from tests.platform.conftest import _user, make_agency, open_round

    call_command("migrate", verbosity=0)
    round_ = open_round()
    a = make_agency(round_, "51.71", "Kota Denpasar")
    b = make_agency(round_, "32.73", "Kota Bandung")
    RoleAssignment.objects.create(user=_user("admin"), role=Role.NATIONAL_ADMIN)
    print(f"participation of {VICTIM}: {b.participation.pk}; target of the guesses: {TARGET} ({a.participation.pk})")


def probe(base: str) -> None:
    client = Browser(base)
    results = [client.login(TARGET, f"tebakan-{i}") for i in range(30)]
    right = client.login(TARGET, PASSWORD)
    for status in sorted({s for s, _, _ in results}):
        times = [t for s, _, t in results if s == status]
        print(f"wrong password → {status}: {len(times)} answers, median {statistics.median(times):.0f} ms")
    signed_in = right[0] == 302
    print(f"right password → {right[0]} in {right[2]:.0f} ms: {'SIGNED IN' if signed_in else 'not signed in'}")


def load(base: str, clients: int = 8, seconds: float = 20.0) -> None:
    victim = Browser(base, "192.0.2.200")
    status, _, _ = victim.login(VICTIM, PASSWORD)
    assert status == 302, f"the victim could not sign in ({status})"
    _, home, _ = victim.request("/")
    found = re.search(r'href="(/p/\d+/)"', home)
    assert found, "the victim sees no agency"
    dashboard = found.group(1)

    def sample(n: int) -> list[float]:
        times = []
        for _ in range(n):
            status, _, elapsed = victim.request(dashboard)
            assert status == 200, status
            times.append(elapsed)
            time.sleep(0.2)
        return times

    alone = sample(20)
    stop = threading.Event()
    counts: dict[int, int] = {}
    lock = threading.Lock()

    def guess(n: int) -> None:
        client = Browser(base, f"198.51.100.{n + 1}")
        i = 0
        while not stop.is_set():
            status, _, _ = client.login(TARGET, f"guess-{n}-{i}")
            i += 1
            with lock:
                counts[status] = counts.get(status, 0) + 1

    threads = [threading.Thread(target=guess, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    during: list[tuple[float, float]] = []
    while time.perf_counter() - started < seconds:
        during.append((time.perf_counter() - started, sample(1)[0]))
    stop.set()
    for thread in threads:
        thread.join(timeout=130)
    print(f"dashboard {dashboard} of {VICTIM} alone: median {statistics.median(alone):.0f} ms, max {max(alone):.0f} ms")
    times = [t for _, t in during]
    print(
        f"while {clients} clients guess ({seconds:.0f} s): median {statistics.median(times):.0f} ms, "
        f"max {max(times):.0f} ms ({len(times)} requests)"
    )
    window = 10.0
    for start in range(0, int(seconds), int(window)):
        part = [t for at, t in during if start <= at < start + window]
        if part:
            median, worst = statistics.median(part), max(part)
            print(f"  {start:>3}-{start + window:.0f} s: median {median:.0f} ms, max {worst:.0f} ms")
    print("guesses answered:", ", ".join(f"{status}: {n}" for status, n in sorted(counts.items())))


if __name__ == "__main__":
    command, *rest = sys.argv[1:] or ["help"]
    if command == "setup":
        setup()
    elif command == "probe":
        probe(rest[0])
    elif command == "load":
        load(rest[0], int(rest[1]) if len(rest) > 1 else 8, float(rest[2]) if len(rest) > 2 else 20.0)
    else:
        print(__doc__)
