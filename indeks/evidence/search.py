"""Full-text search over the extracted text of an agency's evidence, with snippets and page numbers.

SQLite: the FTS5 table ``evidence_pagetext_fts`` (migration 0002), ranked by bm25. PostgreSQL: ``to_tsvector`` with
the ``indonesian`` text search configuration when the server has it (else ``simple``), on a GIN expression index,
ranked by ``ts_rank`` with ``ts_headline`` snippets. Both match word prefixes, so 'kebijakan' finds 'kebijakannya'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from django.db import connection
from django.db.models import Q
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from indeks.evidence.models import Document

START, STOP = "\x02", "\x03"
MAX_TERMS = 8
TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Hit:
    document_id: int
    title: str
    version_id: int
    version: int
    page: int
    snippet: SafeString


def tokens(query: str) -> list[str]:
    return [t.lower() for t in TOKEN.findall(query)][:MAX_TERMS]


def _highlight(snippet: str) -> SafeString:
    return mark_safe(escape(snippet).replace(START, "<mark>").replace(STOP, "</mark>"))


@lru_cache(maxsize=4)
def _postgres_config(alias: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = 'indonesian'")
        return "indonesian" if cursor.fetchone() else "simple"


def postgres_config() -> str:
    """The text search configuration in use: 'indonesian' if the server has it, else 'simple'."""
    return _postgres_config(connection.alias)


_SQLITE = """
SELECT d.id, d.title, v.id, v.number, p.page,
       snippet(evidence_pagetext_fts, 0, char(2), char(3), '…', 16)
FROM evidence_pagetext_fts
JOIN evidence_pagetext p ON p.id = evidence_pagetext_fts.rowid
JOIN evidence_documentversion v ON v.id = p.version_id
JOIN evidence_document d ON d.id = v.document_id
WHERE evidence_pagetext_fts MATCH %s AND d.deleted_at IS NULL {scope}
ORDER BY bm25(evidence_pagetext_fts), d.id, p.page
LIMIT %s
"""

_POSTGRES = """
WITH q AS (SELECT to_tsquery('{cfg}'::regconfig, %s) AS query),
hits AS (
  SELECT d.id AS document_id, d.title, v.id AS version_id, v.number, p.page, p.text,
         ts_rank(to_tsvector('{cfg}'::regconfig, p.text), q.query) AS rank
  FROM evidence_pagetext p
  JOIN evidence_documentversion v ON v.id = p.version_id
  JOIN evidence_document d ON d.id = v.document_id, q
  WHERE to_tsvector('{cfg}'::regconfig, p.text) @@ q.query AND d.deleted_at IS NULL {scope}
  ORDER BY rank DESC, d.id, p.page
  LIMIT %s
)
SELECT document_id, title, version_id, number, page,
       ts_headline('{cfg}'::regconfig, text, q.query,
                   'StartSel=' || chr(2) || ', StopSel=' || chr(3)
                   || ', MaxWords=30, MinWords=10, MaxFragments=2, FragmentDelimiter=" … "')
FROM hits, q
ORDER BY rank DESC, document_id, page
"""


def search_text(agency_ids: set[int] | None, query: str, limit: int = 50) -> list[Hit]:
    """Pages of the agencies' (None: all) live documents matching every word of the query (as a prefix)."""
    words = tokens(query)
    if not words or agency_ids == set():
        return []
    params: list[str | int] = []
    if connection.vendor == "postgresql":
        sql = _POSTGRES.replace("{cfg}", postgres_config())
        params.append(" & ".join(f"{w}:*" for w in words))
    else:
        sql = _SQLITE
        params.append(" ".join(f'"{w}"*' for w in words))
    scope = ""
    if agency_ids is not None:
        scope = f"AND d.agency_id IN ({', '.join('%s' for _ in agency_ids)})"
        params.extend(sorted(agency_ids))
    params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql.replace("{scope}", scope), params)
        rows = cursor.fetchall()
    return [Hit(r[0], r[1], r[2], r[3], r[4], _highlight(r[5] or "")) for r in rows]


def search_metadata(agency_ids: set[int] | None, query: str, limit: int = 20) -> list[Document]:
    """Live documents whose title, number or issuer contains every word of the query."""
    words = tokens(query)
    if not words or agency_ids == set():
        return []
    documents = Document.objects.filter(deleted_at__isnull=True)
    if agency_ids is not None:
        documents = documents.filter(agency_id__in=agency_ids)
    for word in words:
        documents = documents.filter(Q(title__icontains=word) | Q(number__icontains=word) | Q(issuer__icontains=word))
    return list(documents.order_by("-created_at", "-id")[:limit])
