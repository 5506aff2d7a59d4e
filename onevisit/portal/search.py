"""The portal's search (检索): indexing entries, and answering a query.

A query is analysed like the indexed texts (segmentation, pinyin), widened by the
colloquial phrases of the lexicon, by pinyin typed without spaces ("chushengyijianshi")
split on the index's vocabulary, and by near spellings of unknown words (edit distance 1,
2 for long words) including Chinese words whose pinyin is near a known one (a wrong
character of the same sound). The database's full-text index finds the candidates
(SQLite FTS5 ranked by bm25, PostgreSQL GIN ranked by ts_rank); the best 200 are ranked
again by the same formula on both databases: the query terms' inverse document frequency,
title matches counting three times.
"""

from __future__ import annotations

import contextlib
import math
import re
import threading
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import F
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from .analysis import colloquial_terms, encode, index_terms, is_cjk, pinyin, words
from .models import SearchEntry, SearchIndexState, SearchTerm

CANDIDATES = 200
TITLE_WEIGHT = 3.0


def decode(token: str) -> str:
    if token.startswith("zz") and len(token) > 2:
        try:
            return bytes.fromhex(token[2:]).decode("utf-8")
        except ValueError:
            return token
    return token


_batch = threading.local()


@contextlib.contextmanager
def one_generation():
    """Index many entries and move the generation once, at the end (a rebuild)."""
    if getattr(_batch, "active", False):
        yield
        return
    _batch.active, _batch.changed = True, False
    try:
        yield
    finally:
        changed = _batch.changed
        _batch.active = False
    if changed:
        _bump_generation()


def _bump_generation() -> None:
    from .cache import forget_generation

    if getattr(_batch, "active", False):
        _batch.changed = True
        return
    updated = SearchIndexState.objects.filter(pk=1).update(generation=F("generation") + 1)
    if not updated:
        SearchIndexState.objects.get_or_create(pk=1, defaults={"generation": 1})
    forget_generation()
    transaction.on_commit(forget_generation)


def _count_terms(added: set[str], removed: set[str]) -> None:
    if removed:
        SearchTerm.objects.filter(term__in=removed).update(entries=F("entries") - 1)
    if added:
        known = set(SearchTerm.objects.filter(term__in=added).values_list("term", flat=True))
        SearchTerm.objects.filter(term__in=known).update(entries=F("entries") + 1)
        SearchTerm.objects.bulk_create(
            [SearchTerm(term=t, entries=1) for t in sorted(added - known)],
            ignore_conflicts=True,
        )


def _terms_of(entry: SearchEntry) -> set[str]:
    return {decode(t) for t in (entry.title_index + " " + entry.body_index).split()}


def index(
    *,
    kind: str,
    object_id: int,
    title: str,
    url: str,
    title_en: str = "",
    summary: str = "",
    body: str = "",
    region_code: str = "",
    popularity: int = 0,
) -> SearchEntry:
    """Add or refresh one entry of the index (in the caller's transaction if any)."""
    title_terms = [t[:100] for t in index_terms(f"{title} {title_en}")]
    body_terms = [t[:100] for t in index_terms(f"{summary} {body}")]
    with transaction.atomic():
        entry = SearchEntry.objects.select_for_update().filter(kind=kind, object_id=object_id)
        entry = entry.first() or SearchEntry(kind=kind, object_id=object_id)
        before = _terms_of(entry) if entry.pk else set()
        entry.title, entry.title_en, entry.url = title[:300], title_en[:300], url[:300]
        entry.summary, entry.region_code, entry.popularity = summary, region_code, popularity
        entry.title_index = " ".join(encode(t) for t in title_terms)
        entry.body_index = " ".join(encode(t) for t in body_terms)
        entry.save()
        after = set(title_terms) | set(body_terms)
        _count_terms(after - before, before - after)
        _bump_generation()
    return entry


def remove(*, kind: str, object_id: int) -> None:
    """Take an entry out of the index (a withdrawn item, an unpublished article)."""
    with transaction.atomic():
        entry = SearchEntry.objects.select_for_update().filter(kind=kind, object_id=object_id)
        entry = entry.first()
        if entry is not None:
            _count_terms(set(), _terms_of(entry))
            entry.delete()
            _bump_generation()


class Vocabulary:
    """This process's copy of the index's terms and their frequencies, reloaded when the
    index's generation moves."""

    def __init__(self) -> None:
        self.generation = -1
        self.frequency: dict[str, int] = {}
        self.ascii_terms: list[str] = []
        self.entries = 0
        self._lock = threading.Lock()

    def current(self) -> Vocabulary:
        from .cache import generation as index_generation  # one memo for pages and search

        generation = index_generation()
        if generation != self.generation:
            with self._lock:
                rows = SearchTerm.objects.filter(entries__gt=0).values_list("term", "entries")
                self.frequency = dict(rows)
                self.ascii_terms = sorted(t for t in self.frequency if not is_cjk(t))
                self.entries = SearchEntry.objects.count()
                self.generation = generation
        return self

    def idf(self, term: str) -> float:
        df = self.frequency.get(term, 0)
        return math.log(1 + (self.entries - df + 0.5) / (df + 0.5))

    def near(self, term: str) -> list[str]:
        """Known ASCII terms within a small edit distance (typos)."""
        if len(term) < 4:
            return []
        limit = 1 if len(term) < 8 else 2
        found = process.extract(
            term, self.ascii_terms, scorer=Levenshtein.distance, score_cutoff=limit, limit=5
        )
        return [t for t, _score, _n in found]

    def split(self, text: str) -> list[str]:
        """Pinyin typed without spaces, split into the fewest known terms (or [])."""
        n = len(text)
        if n < 4 or n > 60:
            return []
        best: list[list[str] | None] = [None] * (n + 1)
        best[0] = []
        for i in range(n):
            if best[i] is None:
                continue
            for j in range(i + 2, min(n, i + 24) + 1):
                piece = text[i:j]
                if piece in self.frequency and (best[j] is None or len(best[i]) + 1 < len(best[j])):
                    best[j] = [*best[i], piece]
        return best[n] or []


VOCABULARY = Vocabulary()


@dataclass
class Query:
    """A query's terms with their weights: 1 for what was typed, less for what was
    inferred (pinyin, near spellings)."""

    text: str
    weights: dict[str, float] = field(default_factory=dict)

    def add(self, term: str, weight: float) -> None:
        if term and len(term) <= 100 and weight > self.weights.get(term, 0):
            self.weights[term] = weight


def analyse(text: str, vocabulary: Vocabulary) -> Query:
    query = Query(text)
    typed = words(text)
    spelled: dict[str, str] = {}
    for word in typed:
        query.add(word, 1.0)
        if is_cjk(word):
            sound = pinyin(word)
            query.add(sound, 0.9)
            if word not in vocabulary.frequency and sound not in vocabulary.frequency:
                for near in vocabulary.near(sound):
                    query.add(near, 0.7)
        elif word not in vocabulary.frequency:
            for piece in vocabulary.split(word):
                query.add(piece, 0.9)
            nears = vocabulary.near(word)
            for near in nears:
                query.add(near, 0.7)
            if nears:
                spelled[word] = nears[0]
    if spelled:  # a colloquial phrase with a typo in it ("buisness licence")
        fixed = re.sub(r"[a-z]+", lambda m: spelled.get(m[0], m[0]), text.lower())
        for term in colloquial_terms(fixed):
            query.add(term, 0.7)
            query.add(pinyin(term), 0.6)
    latin = [w for w in typed if not is_cjk(w)]
    for size in (2, 3, 4):
        for i in range(len(latin) - size + 1):
            joined = "".join(latin[i : i + size])
            if joined in vocabulary.frequency:
                query.add(joined, 0.9)
    for term in colloquial_terms(text):
        query.add(term, 1.0)
        query.add(pinyin(term), 0.9)
    return query


#: The weighted document vector, stored in a generated column with a GIN index (portal
#: migration 0005).
_PG_VECTOR = "e.search_vector"
_PG_SQL = (
    "SELECT e.id FROM portal_searchentry e WHERE ({vector}) @@ to_tsquery('simple', %s) "
    "{kinds} ORDER BY ts_rank({vector}, to_tsquery('simple', %s)) DESC LIMIT %s"
)
_SQLITE_SQL = (
    "SELECT e.id FROM portal_search_fts f JOIN portal_searchentry e ON e.id = f.rowid "
    "WHERE portal_search_fts MATCH %s {kinds} "
    "ORDER BY bm25(portal_search_fts, 3.0, 1.0) LIMIT %s"
)


def _candidates(tokens: list[str], kinds: list[str] | None) -> list[int]:
    """The ids of the entries holding any of the tokens, best first by the engine's rank.
    The tokens are [a-z0-9] only (`encode`), the kinds go in as parameters."""
    kinds = list(kinds or [])
    kind_sql = f"AND e.kind IN ({', '.join(['%s'] * len(kinds))})" if kinds else ""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tsquery = " | ".join(tokens)
            sql = _PG_SQL.format(vector=_PG_VECTOR, kinds=kind_sql)
            cursor.execute(sql, [tsquery, *kinds, tsquery, CANDIDATES])
        else:
            sql = _SQLITE_SQL.format(kinds=kind_sql)
            match = " OR ".join(f'"{t}"' for t in tokens)
            cursor.execute(sql, [match, *kinds, CANDIDATES])
        return [row[0] for row in cursor.fetchall()]


@dataclass
class Hit:
    """A search result with its score and the query terms it matched."""

    entry: SearchEntry
    score: float
    matched: list[str]


def search(text: str, *, kinds: list[str] | None = None, limit: int = 20) -> list[Hit]:
    """The entries that best answer a query, best first."""
    text = (text or "")[:200]
    vocabulary = VOCABULARY.current()
    query = analyse(text, vocabulary)
    known = {t: w for t, w in query.weights.items() if t in vocabulary.frequency}
    if not known:
        return []
    tokens = {t: encode(t) for t in known}
    ids = _candidates(sorted(set(tokens.values())), kinds)
    hits = []
    for entry in SearchEntry.objects.filter(pk__in=ids):
        # compared as indexed (encoded): decoding every token of 200 entries is slow
        title = set(entry.title_index.split())
        body = set(entry.body_index.split())
        score, matched = 0.0, []
        for term, weight in known.items():
            if tokens[term] in title:
                score += TITLE_WEIGHT * weight * vocabulary.idf(term)
            elif tokens[term] in body:
                score += weight * vocabulary.idf(term)
            else:
                continue
            matched.append(term)
        score += 0.01 * math.log1p(entry.popularity)
        hits.append(Hit(entry, score, matched))
    hits.sort(key=lambda h: (-h.score, h.entry.kind, h.entry.pk))
    return hits[:limit]
