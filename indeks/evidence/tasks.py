"""Background work of the evidence context, on Django's task framework (the ``django-tasks`` backport).

With ``TASKS`` set to the database backend (``django_tasks_db``), ``manage.py db_worker`` runs the extraction out of
the request. With ``INDEKS_TASKS=immediate`` (settings.py) they run right after the upload commits, in the request.
Whatever the backend, the version's ``extraction`` field shows the state (pending, running, done, failed...).

``check_storage`` is the body of the periodic storage check: django-tasks has no scheduler, so cron runs
``manage.py evidence_fsck`` (the same function, docs/operations.md), and the national admin's integrity page queues
this task to run it at once.
"""

from __future__ import annotations

import logging

from django_tasks import task

from indeks.evidence.extraction import run_extraction
from indeks.evidence.integrity import DEFAULT_OLDER_THAN
from indeks.evidence.integrity import check_storage as run_check

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


@task()
def check_storage(older_than: int = DEFAULT_OLDER_THAN) -> str:
    """Clean the storage's temporary area and re-verify every stored file (what ``evidence_fsck`` does)."""
    return run_check(older_than).line()
