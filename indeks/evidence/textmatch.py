"""Matching evidence text to indicators: an Indonesian tokenizer, a light stemmer, and BM25 (pure Python).

The "documents" ranked are the framework's indicators, each described by its name, question and the criteria and
evidence guidance of every level; the query is a document's title and extracted text. Suggestions are shown
with the terms that matched; nothing is linked automatically.

The stemmer is a light, rule-based one in the spirit of Tala (2003): particles (-lah, -kah, -pun, -tah),
possessives (-ku, -mu, -nya), then one or two prefixes (meN-, peN-, di-, ter-, ke-, ber-, per-, se-) with the
usual recoding of nasal prefixes (menetapkan → tetap, penyusunan → susun, pemantauan → pantau), and the
derivational suffixes -kan, -an, -i. It over- and under-stems at times; both sides use the same rules, which is
what ranking needs.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from indeks.core.framework import Framework

WORD = re.compile(r"[a-zA-Z][a-zA-Z\-]*[a-zA-Z]|[a-zA-Z]")
VOWELS = set("aeiou")
STOPWORDS = frozenset(
    [
        "ada",
        "adalah",
        "agar",
        "akan",
        "antar",
        "antara",
        "apa",
        "apabila",
        "atas",
        "atau",
        "bagi",
        "bahwa",
        "baik",
        "baru",
        "belum",
        "beberapa",
        "berupa",
        "bila",
        "dalam",
        "dan",
        "dapat",
        "dari",
        "demikian",
        "dengan",
        "di",
        "hal",
        "harus",
        "hingga",
        "ini",
        "itu",
        "jika",
        "juga",
        "kami",
        "karena",
        "ke",
        "kepada",
        "lain",
        "lebih",
        "masih",
        "masing",
        "melalui",
        "menjadi",
        "mereka",
        "nya",
        "oleh",
        "pada",
        "para",
        "sama",
        "saja",
        "salah",
        "satu",
        "sebagai",
        "sebagian",
        "secara",
        "sedang",
        "sehingga",
        "sejak",
        "seluruh",
        "semua",
        "serta",
        "setiap",
        "sudah",
        "supaya",
        "tahun",
        "telah",
        "tentang",
        "terhadap",
        "tersebut",
        "tetapi",
        "tidak",
        "untuk",
        "yaitu",
        "yakni",
        "yang",
        "nomor",
        "pasal",
        "ayat",
        "huruf",
        "halaman",
        "hal",
        "dll",
        "dsb",
        "the",
        "of",
        "and",
        "or",
        "to",
        "in",
        "for",
        "on",
        "with",
        "by",
        "an",
        "a",
        "is",
        "are",
        "be",
        "this",
        "that",
        "from",
        "as",
        "at",
    ]
)
PARTICLES = ("lah", "kah", "pun")
POSSESSIVES = ("nya", "ku", "mu")
MIN_STEM = 3


def _strip_first_prefix(word: str) -> tuple[str, str]:
    """(rest, how): how is '' (no prefix), 'plain' or 'recoded' (a nasal prefix replaced the stem's first letter)."""
    for prefix in ("meng", "peng"):
        if word.startswith(prefix) and len(word) - 4 >= MIN_STEM:
            return word[4:], "plain"
    for prefix in ("meny", "peny"):
        if word.startswith(prefix) and len(word) > 5 and word[4] in VOWELS:
            return "s" + word[4:], "recoded"
    for prefix in ("men", "pen", "mem", "pem"):
        if word.startswith(prefix) and len(word) - 3 >= MIN_STEM:
            rest = word[3:]
            if rest[0] in VOWELS:
                return ("t" if prefix[2] == "n" else "p") + rest, "recoded"
            return rest, "plain"
    for prefix in ("me", "di", "ter", "ke"):
        if word.startswith(prefix) and len(word) - len(prefix) >= MIN_STEM + 1:
            return word[len(prefix) :], "plain"
    return word, ""


def _strip_second_prefix(word: str) -> str:
    for prefix in ("ber", "per", "be", "pe", "se"):
        if word.startswith(prefix) and len(word) - len(prefix) >= MIN_STEM + 1:
            rest = word[len(prefix) :]
            if prefix in ("be", "pe") and rest[0] in VOWELS:
                continue
            return rest
    return word


def _strip_suffix(word: str) -> str:
    for suffix in ("kan", "an"):
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM + 1:
            return word[: -len(suffix)]
    if word.endswith("i") and not word.endswith(("si", "ti", "ai")) and len(word) - 1 >= MIN_STEM + 1:
        return word[:-1]
    return word


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The stem of one lower-case word."""
    word = word.lower()
    if len(word) <= 4:
        return word
    for group in (PARTICLES, POSSESSIVES):
        for suffix in group:
            if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM + 1:
                word = word[: -len(suffix)]
                break
    word, how = _strip_first_prefix(word)
    if how != "recoded":
        word = _strip_second_prefix(word)
    return _strip_suffix(word)


def words(text: str) -> list[str]:
    """Lower-case words of the text without stopwords (reduplication 'masing-masing' counts as one word)."""
    found = []
    for raw in WORD.findall(text):
        word = raw.lower().split("-")[0] if "-" in raw else raw.lower()
        if len(word) > 2 and word not in STOPWORDS:
            found.append(word)
    return found


def terms(text: str) -> list[str]:
    return [stem(w) for w in words(text)]


@dataclass(frozen=True)
class Suggestion:
    indicator: int
    name: str
    score: float
    matched: tuple[str, ...]


class Index:
    """A BM25 index (k1=1.2, b=0.75) over a small set of texts keyed by number."""

    K1 = 1.2
    B = 0.75
    K3 = 8.0

    def __init__(self, texts: dict[int, str]) -> None:
        self.counts = {key: Counter(terms(text)) for key, text in texts.items()}
        self.lengths = {key: sum(c.values()) for key, c in self.counts.items()}
        self.average = (sum(self.lengths.values()) / len(self.lengths)) if self.lengths else 1.0
        frequency: Counter[str] = Counter()
        for counts in self.counts.values():
            frequency.update(counts.keys())
        n = len(self.counts)
        self.idf = {t: math.log(1 + (n - df + 0.5) / (df + 0.5)) for t, df in frequency.items()}

    def rank(self, query: Iterable[str], limit: int = 5) -> list[tuple[int, float, list[str]]]:
        """Keys by BM25 score for the query terms, best first, with the terms that contributed most."""
        wanted = Counter(query)
        results = []
        for key, counts in self.counts.items():
            norm = self.K1 * (1 - self.B + self.B * self.lengths[key] / self.average)
            contributions = {}
            for term, qtf in wanted.items():
                tf = counts.get(term)
                if not tf:
                    continue
                weight = self.idf[term] * tf * (self.K1 + 1) / (tf + norm)
                contributions[term] = weight * qtf * (self.K3 + 1) / (qtf + self.K3)
            if contributions:
                best = sorted(contributions, key=lambda t: -contributions[t])
                results.append((key, sum(contributions.values()), best))
        results.sort(key=lambda r: (-r[1], r[0]))
        return results[:limit]


def indicator_text(framework: Framework, number: int) -> str:
    indicator = framework.indicator(number)
    parts = [indicator.name, indicator.name, indicator.question or ""]
    for level in indicator.levels:
        parts += [level.criteria, level.evidence]
    return "\n".join(parts)


@lru_cache(maxsize=8)
def framework_index(framework_id: str) -> Index:
    from indeks.core.loader import load_framework

    framework = load_framework(framework_id)
    return Index({i.number: indicator_text(framework, i.number) for i in framework.indicators})


MAX_QUERY_CHARS = 200_000


def suggest(framework: Framework, title: str, text: str, limit: int = 5) -> list[Suggestion]:
    """Indicators whose criteria and evidence guidance best match a document (title counts three times)."""
    query_words = words(title) * 3 + words(text[:MAX_QUERY_CHARS])
    surface: dict[str, Counter[str]] = {}
    for word in query_words:
        surface.setdefault(stem(word), Counter())[word] += 1
    ranked = framework_index(framework.id).rank([stem(w) for w in query_words], limit)
    return [
        Suggestion(
            indicator=key,
            name=framework.indicator(key).name,
            score=round(score, 2),
            matched=tuple(surface[t].most_common(1)[0][0] for t in best[:8]),
        )
        for key, score, best in ranked
    ]
