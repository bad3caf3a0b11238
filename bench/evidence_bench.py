"""Evidence benchmark: full-text search p95 at national scale on PostgreSQL, and memory while uploading 100 MB.

    .venv/bin/python -m bench.evidence_bench            # both parts
    .venv/bin/python -m bench.evidence_bench --search   # only the search part
    .venv/bin/python -m bench.evidence_bench --upload   # only the upload part

The search part (re)creates its own database ``indeks_evidence_bench`` on the server of ``BENCH_PG`` (default
``postgres://postgres@127.0.0.1:5432``), loads 300,000 documents' metadata spread over 700 agencies and 20,000
extracted texts (two pages each) with COPY, then times searches the way the pages run them: one agency's text
search, an assessor's five agencies, and the metadata (title/number) search. The upload part sends a 100 MB file
through ``services.upload_documents`` (hash, sniff, store to a temporary media root) and reports the Python heap
peak (tracemalloc) and the growth of the process's resident set.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH_PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
BENCH_DB = "indeks_evidence_bench"
DOCUMENTS = 300_000
TEXTS = 20_000
AGENCIES = 700
QUERIES = 200


def _recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{BENCH_PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")


def _setup_django(database_url: str | None) -> None:
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "indeks.settings")
    import django

    django.setup()


def _vocabulary() -> list[str]:
    text = (Path(__file__).resolve().parents[1] / "indeks" / "frameworks" / "spbe-2020.yaml").read_text("utf-8")
    words = sorted({w.lower() for w in re.findall(r"[A-Za-z]{4,}", text)})
    return words


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def search_part() -> None:
    _recreate_database()
    _setup_django(f"{BENCH_PG}/{BENCH_DB}")
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from indeks.evidence import search
    from indeks.registry.models import Agency

    call_command("migrate", verbosity=0)
    rng = random.Random(5)
    words = _vocabulary()
    user = get_user_model().objects.create(username="bench")
    Agency.objects.bulk_create(
        Agency(code=f"ev-{k:03d}", name=f"Instansi Uji {k:03d}", kind="lembaga") for k in range(AGENCIES)
    )
    agency_ids = list(Agency.objects.values_list("pk", flat=True))
    types = ["peraturan", "keputusan", "surat_edaran", "sop", "laporan_reviu", "notulen", "arsitektur", "manual"]
    start = time.perf_counter()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        columns = "agency_id, doc_type, title, number, issuer, issued_on, is_draft, created_at, created_by_id"
        with raw.copy(f"COPY evidence_document ({columns}) FROM STDIN") as copy:
            for k in range(DOCUMENTS):
                title = " ".join(rng.choice(words) for _ in range(6)).capitalize()
                copy.write_row(
                    (
                        agency_ids[k % AGENCIES],
                        types[k % len(types)],
                        title,
                        f"{k % 997}/{2018 + k % 8}",
                        "Kepala Daerah",
                        f"{2018 + k % 8}-0{1 + k % 9}-1{k % 9}",
                        k % 13 == 0,
                        "2025-01-01 00:00:00+00",
                        user.pk,
                    )
                )
        cursor.execute("SELECT id FROM evidence_document ORDER BY id LIMIT %s", [TEXTS])
        with_text = [r[0] for r in cursor.fetchall()]
        with raw.copy("COPY evidence_blob (sha256, size, kind, name, created_at) FROM STDIN") as copy:
            for k in range(TEXTS):
                copy.write_row((f"{k:064x}", 1000, "pdf", f"evidence/bench/{k}.pdf", "2025-01-01 00:00:00+00"))
        cursor.execute("SELECT id FROM evidence_blob ORDER BY id")
        blobs = [r[0] for r in cursor.fetchall()]
        versions = "document_id, number, blob_id, original_name, url, login_note, uploaded_at, uploaded_by_id, "
        versions += "extraction, extraction_error"
        with raw.copy(f"COPY evidence_documentversion ({versions}) FROM STDIN") as copy:
            for document_id, blob_id in zip(with_text, blobs, strict=True):
                copy.write_row(
                    (document_id, 1, blob_id, "x.pdf", "", "", "2025-01-01 00:00:00+00", user.pk, "done", "")
                )
        cursor.execute("SELECT id FROM evidence_documentversion ORDER BY id")
        version_ids = [r[0] for r in cursor.fetchall()]
        with raw.copy("COPY evidence_pagetext (version_id, page, text) FROM STDIN") as copy:
            for version_id in version_ids:
                for page in (1, 2):
                    copy.write_row((version_id, page, " ".join(rng.choice(words) for _ in range(300))))
        cursor.execute("ANALYZE")
    loaded = time.perf_counter() - start
    print(f"loaded {DOCUMENTS:,} documents, {TEXTS:,} texts ({2 * TEXTS:,} pages) in {loaded:.1f} s")
    print(f"text search configuration: {search.postgres_config()}")

    def timed(label: str, run: object, count: int = QUERIES) -> None:
        times, found = [], 0
        for _ in range(count):
            query = " ".join(rng.choice(words) for _ in range(rng.choice((1, 1, 2))))
            began = time.perf_counter()
            found += len(run(query))  # type: ignore[operator]
            times.append((time.perf_counter() - began) * 1000)
        print(
            f"{label:<34} p50 {statistics.median(times):7.1f} ms   p95 {_percentile(times, 0.95):7.1f} ms   "
            f"max {max(times):7.1f} ms   ({found / count:.1f} hits/query, {count} queries)"
        )

    timed("text search, one agency", lambda q: search.search_text({rng.choice(agency_ids)}, q))
    timed("text search, assessor (5 agencies)", lambda q: search.search_text(set(rng.sample(agency_ids, 5)), q))
    timed("metadata search, one agency", lambda q: search.search_metadata({rng.choice(agency_ids)}, q))
    timed("text search, national admin (all)", lambda q: search.search_text(None, q), 20)


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def upload_part() -> None:
    import tracemalloc

    from django.conf import settings
    from django.core.files import File
    from django.core.files.uploadedfile import TemporaryUploadedFile
    from django.test.utils import override_settings, setup_test_environment

    setup_test_environment()
    from django.test.utils import get_runner

    runner = get_runner(settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        from indeks.evidence import services
        from indeks.evidence.services import DocumentMeta
        from tests.platform.conftest import make_agency, open_round

        size = 100 * 1024 * 1024
        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            side = make_agency(open_round(), "99.99", "Kota Uji")
            for variant in ("temporary upload (moved into storage)", "plain file (copied in chunks)"):
                upload = TemporaryUploadedFile("rekaman-layanan.mp4", "video/mp4", size, None)
                upload.write(b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2")
                block = os.urandom(1024 * 1024)
                while upload.tell() < size:
                    upload.write(block[: size - upload.tell()])
                upload.flush()
                upload.seek(0)
                source = upload if variant.startswith("temporary") else File(open(upload.temporary_file_path(), "rb"))  # noqa: SIM115
                source.name = "rekaman-layanan.mp4"
                rss_before = _rss_kib()
                tracemalloc.start()
                began = time.perf_counter()
                version = services.upload_documents(
                    side.actor("coordinator"), side.agency, [source], DocumentMeta("video")
                )[0]
                elapsed = time.perf_counter() - began
                _current, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                rss_after = _rss_kib()
                source.close()
                upload.close()
                print(
                    f"upload of {size / 2**20:.0f} MB, {variant}: {elapsed:.2f} s; "
                    f"Python heap peak {peak / 2**20:.2f} MB; RSS growth {(rss_after - rss_before) / 1024:.1f} MB "
                    f"(target < 50 MB); sha256 {version.blob.sha256[:12]}…"
                )
    finally:
        runner.teardown_databases(old)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--search", action="store_true")
    parser.add_argument("--upload", action="store_true")
    args = parser.parse_args()
    both = not (args.search or args.upload)
    if args.search or both:
        search_part()
    if args.upload or both:
        if not (args.search or both):
            _setup_django(None)
        upload_part()


if __name__ == "__main__":
    sys.exit(main())
