"""What the analyzer reports: a finding of offside, absence or dislocation (越位、缺位、错位).

A finding carries its plain-language explanation and suggested fix in English and Chinese,
a stable key, and a digest of the facts that produce it: an officer's acknowledgement holds
while the digest is unchanged, and the finding shows again as soon as the facts change.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field

from ..choices import FindingKind, Severity

#: (type, id, label) of an object a finding is about: "duty", "organization", "region", …
ObjectRef = tuple[str, int | str, str]

_SPACES = re.compile(r"\s+")
_TRAILING = "。．.；;，,、:： "
#: Openings that charters put before a function and lists often leave out.
_OPENINGS = ("负责", "beresponsiblefor", "responsiblefor")


def normalize_text(text: str) -> str:
    """A function text as compared: NFKC (full-width → half-width), case and spacing folded,
    trailing punctuation and a leading "负责" dropped — so "负责 土地管理。" and "土地管理"
    are the same function."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = _SPACES.sub("", text).strip(_TRAILING)
    for opening in _OPENINGS:
        if text.startswith(opening) and len(text) > len(opening):
            return text[len(opening) :]
    return text


def digest(facts) -> str:
    """The sha256 of the facts, canonically serialized."""
    blob = json.dumps(facts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


@dataclass
class Finding:
    """One fault of the power and responsibility lists, explained in both languages."""

    kind: str
    code: str
    severity: str
    key: str
    objects: list[ObjectRef]
    explanation_en: str
    explanation_zh: str
    suggested_fix_en: str
    suggested_fix_zh: str
    facts: str
    acknowledged: bool = False
    acknowledged_reason: str = ""
    region_code: str = ""
    details: dict = field(default_factory=dict)

    def explanation(self, language: str = "en") -> str:
        return self.explanation_zh if language.startswith("zh") else self.explanation_en

    def suggested_fix(self, language: str = "en") -> str:
        return self.suggested_fix_zh if language.startswith("zh") else self.suggested_fix_en

    def as_dict(self) -> dict:
        data = asdict(self)
        data["objects"] = [{"type": t, "id": i, "label": label} for t, i, label in self.objects]
        return data


def make(
    *,
    kind: FindingKind,
    code: str,
    severity: Severity,
    key: str,
    objects: list[ObjectRef],
    facts,
    en: str,
    zh: str,
    fix_en: str,
    fix_zh: str,
    region_code: str = "",
) -> Finding:
    return Finding(
        kind=str(kind),
        code=code,
        severity=str(severity),
        key=key[:200],
        objects=objects,
        explanation_en=en,
        explanation_zh=zh,
        suggested_fix_en=fix_en,
        suggested_fix_zh=fix_zh,
        facts=digest(facts),
        region_code=region_code,
    )
