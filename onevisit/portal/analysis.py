"""Text analysis for the portal's search: Chinese word segmentation (jieba), pinyin
(pypinyin), light English normalization, the editors' glossary and colloquial phrases.

Terms are plain strings; `encode` turns each into an ASCII token that every full-text
engine keeps whole (a Chinese word becomes "zz" and its UTF-8 in hex), so SQLite's FTS5
and PostgreSQL's `simple` configuration index exactly the terms made here, whatever the
database's locale.
"""

from __future__ import annotations

import functools
import logging
import re

from pypinyin import lazy_pinyin

from .data.lexicon import COLLOQUIAL, GLOSSARY

_CJK = re.compile(r"[\u3400-\u9fff]")
_RUNS = re.compile(r"[0-9a-z]+|[\u3400-\u9fff]+")

#: Words that say nothing about what is wanted.
STOP_WORDS = {
    # English
    "a", "an", "and", "the", "to", "of", "for", "in", "on", "my", "i", "me", "how", "do",
    "what", "need", "want", "get", "is", "can", "where", "apply", "application", "please",
    # Chinese
    "我", "想", "要", "我想", "我要", "怎么", "怎样", "如何", "什么", "需要", "的", "了",
    "个", "一个", "吗", "呢", "去", "哪里", "在哪", "办", "办理", "申请",
    "在", "给", "和", "与", "及", "或", "是", "有", "被", "把", "为", "对", "从", "到", "也",
    "都", "还", "就", "这", "那", "能", "可以", "吧", "啊", "呀", "啥", "咋", "怎么办",
}  # fmt: skip

#: Spelling variants folded onto one form.
_VARIANTS = {"license": "licence", "licenses": "licence", "licences": "licence"}


@functools.cache
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    for word in list(GLOSSARY) + [p for p in COLLOQUIAL if _CJK.search(p)]:
        tokenizer.add_word(word, freq=200000)
    return tokenizer


def is_cjk(term: str) -> bool:
    return bool(_CJK.search(term))


def encode(term: str) -> str:
    """The ASCII token a term is indexed as."""
    if is_cjk(term):
        return "zz" + term.encode("utf-8").hex()
    return term


def _english(word: str) -> str:
    word = _VARIANTS.get(word, word)
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """The words of a text: Chinese runs segmented for search, English words normalized;
    stop words dropped; in order, repeats kept."""
    out = []
    for run in _RUNS.findall((text or "").lower()):
        if is_cjk(run):
            out.extend(w for w in _jieba().cut_for_search(run) if is_cjk(w))
        else:
            out.append(_english(run))
    return [w for w in out if w not in STOP_WORDS]


def pinyin(word: str) -> str:
    """A Chinese word's pinyin without tones or spaces (出生 → chusheng)."""
    return "".join(lazy_pinyin(word)).lower()


def index_terms(text: str) -> list[str]:
    """What an indexed text is found by: its words, each Chinese word's pinyin and the
    glossary's English words for it."""
    terms = []
    for word in words(text):
        terms.append(word)
        if is_cjk(word):
            terms.append(pinyin(word))
            terms.extend(_english(w) for w in GLOSSARY.get(word, "").split())
    return terms


@functools.cache
def _colloquial_sounds() -> dict[str, str]:
    """The Chinese colloquial phrases by their pinyin (社保卡 → shebaoka)."""
    return {pinyin(p): m for p, m in COLLOQUIAL.items() if _CJK.search(p) and len(p) > 1}


def colloquial_terms(query: str) -> list[str]:
    """The catalog words that the colloquial phrases in a query stand for, the Chinese
    ones typed in pinyin too (with or without spaces between the syllables)."""
    q = " ".join((query or "").lower().split())
    found = []
    for phrase, meaning in COLLOQUIAL.items():
        if phrase in q:
            found.extend(meaning.split())
    latin = re.findall(r"[a-z]+", q)
    sounds = _colloquial_sounds()
    for size in (1, 2, 3, 4):
        for i in range(len(latin) - size + 1):
            found.extend(sounds.get("".join(latin[i : i + size]), "").split())
    return found
