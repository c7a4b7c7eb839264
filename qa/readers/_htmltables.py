"""A table's header row written in bold cells (or a ``<thead>`` of ``<td>``) read as its header.

Word's "Save as Web Page" and many editors write a header so, with no ``<th>``, and its rows then
named no column ("Simultan; Rp2.000.000." rather than "Jenis: Simultan; Tarif: Rp2.000.000."). But a
first row is also set in bold to mark the top entry or a total, and read as a header it files every
value below under a name that is a value ("Budi: Sari; Jakarta: Bandung."): worse than no names. So a
bold first row is a header only when its cells read as labels of the columns below: distinct, none an
amount, and in some column unlike the cells under it in kind (a word above numbers, dates or
sentences, a year above amounts, capitals above mixed case) or shorter than each of them ("Jabatan"
above "Kepala Bagian", "Staf Ahli"). A bold row just like the rows below ("**Budi** **Jakarta**"
above "Sari Bandung") is a row, unless it is also set apart as a band (centred, or on a background,
where no row below is): labels as long as the cells ("Nama", "Kota" above "Budi", "Jakarta") are
told from a top entry by nothing else.
"""

from __future__ import annotations

import re
from collections import Counter

# A cell that is an amount ("30", "Rp1.500.000", "12,5 %") names no column: a bold first row holding one
# is data set off (the top entry, a total). A year ("2024") heads a column of a report's figures.
_AMOUNT = re.compile(r"(?!(?:19|20)\d\d$)(?:Rp\.? ?|\$ ?)?[-+]?\d[\d.,]*(?: ?%)?", re.IGNORECASE)
_YEAR = re.compile(r"(?:19|20)\d\d")
_SENTENCE = re.compile(r"[.!?…][\"'”’)]*$")
LONG_CELL = 5  # words: a cell this long is text (a description, a sentence), not a label


def mark_header_rows(root) -> None:
    """A table without ``<th>`` whose first row is a header all the same makes its cells ``<th>``: a
    row in ``<thead>``, or a first row of two or more cells each wholly bold (``<b>``, ``<strong>``)
    that reads as the columns' labels (``_labels``)."""
    for table in root.iter("table"):
        if next(table.iter("th"), None) is not None:
            continue
        rows = [tr for tr in table.iter("tr") if _nearest_table(tr) is table]
        if len(rows) < 2:
            continue
        cells = [c for c in rows[0] if c.tag == "td"]
        in_head = rows[0].getparent() is not None and rows[0].getparent().tag == "thead"
        texts = [_words(c.text_content()) for c in cells]
        bold = len(cells) >= 2 and any(texts) and texts == [_bold_text(c) for c in cells]
        below = [[_words(c.text_content()) for c in row if c.tag == "td"] for row in rows[1:]]
        if in_head or (bold and (_labels(texts, below) or _banded(rows, texts))):
            for cell in cells:
                cell.tag = "th"


def _labels(first: list[str], below: list[list[str]]) -> bool:
    """Whether a first row's cells read as labels of the columns under them: distinct, none an amount,
    and one at least of another kind than most of the cells under it (``_kind``) or of fewer words than
    every cell under it: a label names in a word what the cells below spell out ("Nama", "Jabatan",
    "Unit" above "Budi Santoso", "Kepala Bagian", "Keuangan"), where a top entry set off has the shape
    of the rows below it."""
    named = [t for t in first if t]
    if len(set(named)) < len(named) or any(_AMOUNT.fullmatch(t) for t in named):
        return False
    for column, label in enumerate(first):
        cells = [row[column] for row in below if column < len(row) and row[column]]
        kinds = Counter(_kind(cell) for cell in cells)
        if label and kinds and kinds.most_common(1)[0][0] != _kind(label):
            return True
        if label and cells and all(len(cell.split()) > len(label.split()) for cell in cells):
            return True  # a label shorter than every value under it: "Jabatan" above "Kepala Bagian"
    return False


def _banded(rows: list, first: list[str]) -> bool:
    """Whether a bold first row is also set apart as a band (centred, or on a background) that no row
    below shares, over two rows at least: a header's band, as templates and Word's table styles set
    it. A top entry set off is set off in weight; rows striped in turn share their stripes. Distinct
    cells, none an amount, as for ``_labels``."""
    named = [t for t in first if t]
    if len(rows) < 3 or len(set(named)) < len(named) or any(_AMOUNT.fullmatch(t) for t in named):
        return False
    band = _band(rows[0])
    return bool(band) and all(_band(row) != band for row in rows[1:])


def _band(row) -> tuple[tuple[str, str], ...]:
    """How a row is set besides its type: centring and its background's colour, on the row or alike on
    every one of its cells. The colour itself counts: Word's banded table styles shade the header in
    one colour and every other row below in another, and a transparent background is none."""
    cells = [c for c in row if c.tag in ("td", "th")]
    marks = []
    for name, value in (("centre", _centred), ("background", _background)):
        found = value(row) or (value(cells[0]) if cells and len({value(c) for c in cells}) == 1 else "")
        if found:
            marks.append((name, found))
    return tuple(marks)


def _centred(element) -> str:
    centred = (element.get("align") or "").lower() == "center" or element.get(_CENTRED) is not None
    return "center" if centred else ""


def _background(element) -> str:
    """The colour of an element's background ("transparent none repeat", a shorthand's, is none)."""
    colour = " ".join((element.get("bgcolor") or element.get(_BACKGROUND) or "").lower().split())
    return "" if colour.split(" ", 1)[0] in _NO_COLOUR else colour


_CENTRED, _BACKGROUND = "qa-centred", "qa-background"  # what a row's or cell's style said, kept
_NO_COLOUR = {"", "transparent", "none", "inherit", "initial", "unset", "auto"}


def note_bands(root) -> None:
    """Keep what the ``style`` of rows and cells says of a band (centred text, a background's colour)
    as attributes of our own: the styles are dropped before the header rows are marked (see
    qa/readers/_htmlprep.py's ``drop_templates``)."""
    for element in root.iter("tr", "td", "th"):
        style = {
            key.strip().lower(): value.strip().lower()
            for key, _, value in (d.partition(":") for d in (element.get("style") or "").split(";"))
        }
        if style.get("text-align") == "center":
            element.set(_CENTRED, "")
        colour = style.get("background-color") or style.get("background")
        if colour:
            element.set(_BACKGROUND, colour)


def _kind(text: str) -> str:
    """What a cell holds, as far as its surface tells: a year, an amount, words with digits (a date,
    "Pasal 5"), a sentence or a long text, a word or two in capitals, or a few words."""
    if _YEAR.fullmatch(text):
        return "year"
    if _AMOUNT.fullmatch(text):
        return "amount"
    if any(c.isdigit() for c in text):
        return "numbered"
    if len(text.split()) >= LONG_CELL or _SENTENCE.search(text):
        return "text"
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return "capitals"
    return "words"


def _nearest_table(element):
    parent = element.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def _bold_text(cell) -> str:
    """The words of ``cell`` set in bold, each ``<b>`` or ``<strong>`` counted once (not again inside
    another)."""
    outermost = []
    for bold in cell.iter("b", "strong"):
        above = bold.getparent()
        while above is not None and above is not cell and above.tag not in ("b", "strong"):
            above = above.getparent()
        if above is cell:
            outermost.append(bold)
    return _words(" ".join(b.text_content() for b in outermost))


def _words(text: str) -> str:
    return " ".join(text.split())
