"""Background work of the evidence context, on Django's task framework (the ``django-tasks`` backport).

With ``TASKS`` set to the database backend (``django_tasks_db``), ``manage.py db_worker`` runs the extraction out of
the request. With ``INDEKS_TASKS=immediate`` (settings.py) they run right after the upload commits, in the request.
Whatever the backend, the version's ``extraction`` field shows the state (pending, running, done, failed...).
"""

from __future__ import annotations

import logging

from django_tasks import task

from indeks.evidence.extraction import run_extraction

log = logging.getLogger(__name__)


@task()
def extract_text(version_id: int) -> str:
    """Extract and index the text of one document version."""
    return str(run_extraction(version_id))


def enqueue_extraction(version_id: int) -> None:
    """Queue the extraction; if the queue is unavailable the version stays pending (``evidence_extract`` redoes it)."""
    try:
        extract_text.enqueue(version_id)
    except Exception:
        log.exception("could not queue text extraction of version %s", version_id)
