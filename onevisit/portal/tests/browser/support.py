"""Helpers of the portal's browser tests: the reading mode and the language chosen through
the header's links, keyboard-only moves, and checks of the layout."""

from __future__ import annotations

import re
import zlib

from playwright.sync_api import expect

LANG_ATTR = {"en": "en", "zh-hans": "zh-Hans"}

#: The elements wider than the window, for the message of a failed check.
_OVERFLOWING_JS = """() => {
  const width = window.innerWidth;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > width + 0.5) {
      const id = el.id ? '#' + el.id : '';
      const cls = el.classList.length ? '.' + [...el.classList].join('.') : '';
      out.push(`${el.tagName.toLowerCase()}${id}${cls} (right edge ${Math.round(box.right)}px)`);
      if (out.length >= 8) break;
    }
  }
  return out;
}"""


def choose(page, *, mode: str, language: str) -> None:
    """Pick the language and the reading mode by their links (they set cookies and come
    back to the page named by `next`), then check the home page shows both."""
    page.goto(f"/lang/{language}/?next=/")
    page.goto(f"/mode/{mode}/?next=/")
    expect(page).to_have_url(re.compile(r"/$"))
    html = page.locator("html")
    expect(html).to_have_attribute("lang", LANG_ATTR[language])
    expect(html).to_have_class(re.compile(rf"\bmode-{mode}\b"))


def focused(locator) -> bool:
    return locator.evaluate("el => el === document.activeElement")


def tab_to(page, locator, *, limit: int = 120) -> None:
    """Press Tab until the locator has the focus: the element must be reachable by the
    keyboard, in the page's tab order."""
    expect(locator).to_have_count(1)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(locator):
            return
    raise AssertionError(f"{locator} was not reached in {limit} presses of Tab")


def overflowing(page) -> list[str]:
    """[] when the page does not scroll sideways, else the elements sticking out."""
    wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    return page.evaluate(_OVERFLOWING_JS) if wide else []


# --- the text of a PDF printed by Chromium (Skia), without a PDF library ------------------
# Enough for Skia's output: no object streams; each font has a ToUnicode CMap; text is
# shown by hex strings with Tj and TJ after a Tf, or stands for the ActualText of its span
# (Chromium marks so the characters a font shares with a look-alike, 食 for ⻝).
_OBJECT = re.compile(rb"(\d+) 0 obj\s*")
_BODY_END = re.compile(rb"stream\r?\n|endobj")
_REF = rb"(\d+) 0 R"
_TEXT_TOKEN = re.compile(
    rb"/(?P<font>\w+)\s+[\d.]+\s+Tf|/ActualText\s*<(?P<actual>[0-9A-Fa-f]+)>"
    rb"|\b(?P<emc>EMC)\b|<(?P<glyphs>[0-9A-Fa-f]*)>"
)


def _objects(data: bytes) -> dict[int, tuple[bytes, bytes]]:
    """{number: (dictionary, decoded stream or b"")}; a stream is read by its /Length."""
    objects, pos = {}, 0
    while header := _OBJECT.search(data, pos):
        start = header.end()
        end = _BODY_END.search(data, start)
        body, stream = data[start : end.start()], b""
        pos = end.end()
        if end.group().startswith(b"stream"):
            length = int(re.search(rb"/Length\s+(\d+)", body).group(1))
            stream = data[pos : pos + length]
            if b"/FlateDecode" in body:
                stream = zlib.decompress(stream)
            pos += length
        objects[int(header.group(1))] = (body, stream)
    return objects


def _cmap(text: bytes) -> tuple[int, dict[int, str]]:
    """(bytes per code, {code: text}) of a ToUnicode CMap."""
    space = re.search(rb"begincodespacerange\s*<([0-9A-Fa-f]+)>", text)
    width = len(space.group(1)) // 2 if space else 1
    mapping: dict[int, str] = {}

    def chars(hexa: bytes) -> str:
        return bytes.fromhex(hexa.decode()).decode("utf-16-be", "replace")

    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        for code, uni in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(code, 16)] = chars(uni)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, uni in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            first = int(uni, 16)
            for n, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                mapping[code] = chr(first + n)
    return width, mapping


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page of a PDF Chromium printed."""
    objects = _objects(data)
    pages = []
    for body, _data in objects.values():
        if not re.search(rb"/Type\s*/Page(?!s)", body):
            continue
        fonts = {}
        font_dict = re.search(rb"/Font\s*<<(.*?)>>", body, re.S)
        for name, ref in re.findall(rb"/(\w+)\s+" + _REF, font_dict.group(1) if font_dict else b""):
            unicode_ref = re.search(rb"/ToUnicode\s+" + _REF, objects[int(ref)][0])
            if unicode_ref:
                fonts[name] = _cmap(objects[int(unicode_ref.group(1))][1])
        contents = re.search(rb"/Contents\s*(\[.*?\]|\d+ 0 R)", body, re.S).group(1)
        content = b"\n".join(objects[int(r)][1] for r in re.findall(_REF, contents))
        text, font, actual = [], (1, {}), None
        for token in _TEXT_TOKEN.finditer(content):
            if token.group("font"):
                font = fonts.get(token.group("font"), (1, {}))
            elif token.group("actual"):  # the text a span of glyphs stands for
                actual = bytes.fromhex(token.group("actual").decode()).decode("utf-16", "replace")
            elif token.group("emc") and actual is not None:
                text.append(actual)
                actual = None
            elif token.group("glyphs") is not None and actual is None:
                width, mapping = font
                raw = bytes.fromhex(token.group("glyphs").decode())
                for i in range(0, len(raw), width):
                    text.append(mapping.get(int.from_bytes(raw[i : i + width], "big"), ""))
        pages.append("".join(text))
    return pages
