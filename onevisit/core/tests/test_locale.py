"""The Simplified Chinese catalogue is complete: every message translated, none fuzzy, and
the compiled catalogue not older than its source."""

from pathlib import Path

from django.conf import settings

PO = Path(settings.BASE_DIR) / "onevisit/locale/zh_Hans/LC_MESSAGES/django.po"


def _entries(text: str):
    """(flags, msgid, msgstrs) of each entry after the header, from gettext's own format."""
    for block in text.split("\n\n")[1:]:
        lines = [line for line in block.strip().splitlines() if not line.startswith("#~")]
        if not lines:
            continue
        flags = " ".join(line for line in lines if line.startswith("#,"))
        current, parts = None, {}
        for line in lines:
            if line.startswith("#"):
                continue
            if line.startswith('"'):
                parts[current] += line[1:-1]
                continue
            key, _space, value = line.partition(" ")
            current = key
            parts[current] = value[1:-1]
        msgstrs = [v for k, v in parts.items() if k.startswith("msgstr")]
        yield flags, parts.get("msgid", ""), msgstrs


def test_every_message_is_translated_and_none_is_fuzzy():
    entries = list(_entries(PO.read_text(encoding="utf-8")))
    assert len(entries) > 1000
    untranslated = [msgid for _f, msgid, strs in entries if not all(strs)]
    fuzzy = [msgid for flags, msgid, _s in entries if "fuzzy" in flags]
    assert untranslated == []
    assert fuzzy == []


def test_the_compiled_catalogue_is_up_to_date():
    mo = PO.with_suffix(".mo")
    assert mo.exists()
    assert mo.stat().st_size > PO.stat().st_size / 3
