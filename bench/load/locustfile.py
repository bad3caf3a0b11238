"""Load test: coordinators work on their own agency (indicator page, save an answer, dashboard).

Started by bench/load/run.sh against gunicorn on the national-scale database of bench/national_db.py.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

from locust import HttpUser, between, task

# "code,participation id,session key" per line, written by bench/load/sessions.py; one agency per simulated user.
POOL = [tuple(line.split(",")) for line in Path(os.environ["INDEKS_BENCH_POOL"]).read_text().split()]
random.Random(1).shuffle(POOL)


class Coordinator(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.code, self.pk, session = POOL.pop()
        self.client.cookies.set("sessionid", session)
        self.client.get("/", name="home")
        self.csrf = self.client.cookies.get("csrftoken", "")

    @task(5)
    def indicator_page(self) -> None:
        self.client.get(f"/p/{self.pk}/indicator/{random.randint(1, 47)}/", name="indicator page")

    @task(2)
    def save_answer(self) -> None:
        number = random.randint(1, 47)
        current = self.client.get(f"/api/v1/participations/{self.pk}/answers", name="answers (api)").json()
        version = next((a["version"] for a in current if a["indicator"] == number), None)
        saved = self.client.put(
            f"/api/v1/participations/{self.pk}/answers/{number}",
            json={"level": random.randint(1, 5), "fakta": "Uji beban.", "analisis": "Uji beban.", "version": version},
            headers={"X-CSRFToken": self.csrf},
            name="save answer (api)",
        )
        version = saved.json().get("version") if saved.ok else version
        self.client.post(
            f"/p/{self.pk}/indicator/{number}/",
            {
                "level": str(random.randint(1, 5)),
                "fakta": "Uji beban halaman.",
                "analisis": "Uji beban.",
                "version": str(version),
                "csrfmiddlewaretoken": self.csrf,
            },
            headers={"HX-Request": "true", "X-CSRFToken": self.csrf},
            name="save answer (page)",
        )

    @task(3)
    def dashboard(self) -> None:
        self.client.get(f"/p/{self.pk}/", name="dashboard")
