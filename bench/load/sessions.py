"""Open one signed-in session per coordinator of the bench round; print "code,participation id,session key"."""

from __future__ import annotations

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "indeks.settings")
django.setup()

from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402

from indeks.rounds.models import Participation  # noqa: E402


def main() -> None:
    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="coordinator-")}
    for p in Participation.objects.select_related("agency").order_by("pk"):
        user = users[f"coordinator-{p.agency.code}"]
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        print(f"{p.agency.code},{p.pk},{session.session_key}")


if __name__ == "__main__":
    main()
