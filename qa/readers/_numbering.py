"""Word's automatic numbering: the "1.", "b)", "Pasal 3" or "2.1" Word draws before a paragraph.

The number is not in the paragraph's text but computed from the numbering part as Word lays the
document out, so a numbered heading lost it ("Latar Belakang" for "1.1 Latar Belakang", nothing at
all for a heading that is only "Pasal 3") and so did a list item ("Paspor dinas." for "b. Paspor
dinas."): a question about "pasal 3" or "syarat b" had nothing to match. Here the numbers are counted
in document order over every paragraph, tables included, as Word counts them: one counter per list
definition (``w:abstractNum``), a level restarting when a level above it advances (or only the levels
its ``w:lvlRestart`` names), a list instance's ``w:startOverride`` restarting it, a legal level
(``w:isLgl``) writing every level's number in arabic ("2.1" under "BAB II"). Bullets add nothing (a
bullet is no word).
"""

from __future__ import annotations

from dataclasses import dataclass

from ._wordxml import P, W

_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_DELETED_MARK = f"{W}pPr/{W}rPr/{W}del"
_ROMAN = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
    (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)  # fmt: skip


@dataclass(frozen=True)
class _Level:
    start: int
    fmt: str  # w:numFmt: decimal, lowerLetter, upperRoman, bullet, none, ...
    text: str  # w:lvlText: "%1.%2." (the counters of levels 1 and 2), "Pasal %1"
    style: str | None  # w:pStyle: the paragraph style this level belongs to (numbered headings)
    restart: int | None  # w:lvlRestart: restart after levels 1..n only; 0 never ("Pasal" across "BAB")
    legal: bool = False  # w:isLgl: every level's number in arabic ("2.1", not "II.1")


def _val(element, path: str, default: str | None = None) -> str | None:
    found = element.find(path) if element is not None else None
    return found.get(W + "val", default) if found is not None else default


def _int(value: str | None, default: int) -> int:
    return int(value) if value is not None and value.isdigit() and int(value) < 100_000 else default


def _on(flag) -> bool:
    """A flag element such as ``w:isLgl``: on when present, unless its value says otherwise."""
    return flag is not None and flag.get(W + "val", "true").lower() not in ("0", "false", "off")


def _restart(value: str | None) -> int | None:
    return None if value is None else _int(value, 0)


def number(value: int, fmt: str) -> str:
    """``value`` as Word writes it in format ``fmt`` (decimal for the formats not written out here)."""
    if fmt in ("lowerLetter", "upperLetter") and value > 0:
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)  # ..., z, aa, bb
        return letter if fmt == "lowerLetter" else letter.upper()
    if fmt in ("lowerRoman", "upperRoman") and 0 < value < 4000:
        out, rest = "", value
        for size, digits in _ROMAN:
            count, rest = divmod(rest, size)
            out += digits * count
        return out if fmt == "lowerRoman" else out.upper()
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


class Numbering:
    """The numbering definitions of a document (``numbering_root``: its ``w:numbering`` element, or None)
    and the list each paragraph style belongs to (``styles``: style id -> its ``w:pPr`` or None)."""

    def __init__(self, numbering_root, styles: dict[str, object]) -> None:
        self.levels: dict[str, dict[int, _Level]] = {}
        linked: dict[str, str] = {}  # w:numStyleLink -> the abstractNum defining it (w:styleLink)
        links: dict[str, str] = {}
        for definition in numbering_root.iter(W + "abstractNum") if numbering_root is not None else ():
            key = definition.get(W + "abstractNumId", "")
            self.levels[key] = {
                _int(lvl.get(W + "ilvl"), 0): _Level(
                    _int(_val(lvl, W + "start"), 1),
                    _val(lvl, W + "numFmt", "decimal") or "decimal",
                    _val(lvl, W + "lvlText", "") or "",
                    _val(lvl, W + "pStyle"),
                    _restart(_val(lvl, W + "lvlRestart")),
                    _on(lvl.find(W + "isLgl")),
                )
                for lvl in definition.iter(W + "lvl")
            }
            if (style := _val(definition, W + "styleLink")) is not None:
                linked[style] = key
            if (style := _val(definition, W + "numStyleLink")) is not None:
                links[key] = style
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        for num in numbering_root.iter(W + "num") if numbering_root is not None else ():
            key = _val(num, W + "abstractNumId", "") or ""
            key = linked.get(links.get(key, ""), key)
            overrides = {
                _int(o.get(W + "ilvl"), 0): _int(_val(o, W + "startOverride"), 1)
                for o in num.iter(W + "lvlOverride")
                if o.find(W + "startOverride") is not None
            }
            self.nums[num.get(W + "numId", "")] = (key, overrides)
        self.styles = styles
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()

    def labels(self, body) -> dict:
        """Paragraph element -> its number as Word shows it ("2.1", "b.", "Pasal 3"), for every
        numbered paragraph of ``body`` (the VML copy of a text box is not counted twice)."""
        out = {}
        for p in body.iter(P):
            if next(p.iterancestors(_MC_FALLBACK), None) is not None or p.find(_DELETED_MARK) is not None:
                continue  # a paragraph deleted with its mark (tracked) is no longer a list item
            label = self._next(p)
            if label:
                out[p] = label
        return out

    def _list_of(self, p) -> tuple[str, int] | None:
        """(numId, level) of a paragraph, from its own properties or its style's."""
        ppr = p.find(W + "pPr")
        style = _val(ppr, W + "pStyle")
        num_id = _val(ppr, f"{W}numPr/{W}numId")
        level = _val(ppr, f"{W}numPr/{W}ilvl")
        style_ppr = self.styles.get(style or "")
        if num_id is None and style_ppr is not None:
            num_id = _val(style_ppr, f"{W}numPr/{W}numId")
            level = level or _val(style_ppr, f"{W}numPr/{W}ilvl")
        if num_id is None or num_id == "0" or num_id not in self.nums:
            return None
        if level is None:  # a style's list: the level tied to that style
            levels = self.levels.get(self.nums[num_id][0], {})
            level = next((str(i) for i, lv in levels.items() if style and lv.style == style), "0")
        return num_id, _int(level, 0)

    def _next(self, p) -> str:
        found = self._list_of(p)
        if found is None:
            return ""
        num_id, level = found
        key, overrides = self.nums[num_id]
        levels = self.levels.get(key, {})
        if level not in levels:
            return ""
        counters = self.counters.setdefault(key, {})
        if num_id not in self.started:  # a list instance restarting its levels where it says so
            self.started.add(num_id)
            for lvl, start in overrides.items():
                counters[lvl] = start - 1
        counters[level] = counters.get(level, levels[level].start - 1) + 1
        for deeper in [lv for lv in counters if lv > level]:
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or level < restart:  # by default any level above restarts it
                del counters[deeper]
        if levels[level].fmt in ("bullet", "none"):
            return ""
        text = levels[level].text
        for lvl, definition in levels.items():
            if f"%{lvl + 1}" in text:
                value = counters.get(lvl, definition.start)
                fmt = "decimal" if levels[level].legal else definition.fmt
                text = text.replace(f"%{lvl + 1}", number(value, fmt))
        return " ".join(text.split())
