"""Markdown via markdown-it-py (MIT; CommonMark plus tables): the prose, not the markup.

Headings become the location of the blocks under them instead of passages of their own; a table row
becomes a sentence naming its columns; fenced and indented code and HTML tags are left out (a code
line or a ``<details>`` tag is never an answer). Text inside inline code, links and emphasis stays,
as it is part of its sentence, and so does the text of a raw HTML block (``<div>``, ``<details>``, a
README's ``<p align="center">``), read as the HTML reader reads a page's blocks. Footnotes (GitHub's
and Pandoc's ``[^1]``, not CommonMark) are read as GitHub shows them: the marker off its word, the note
a paragraph of its own, read after the block citing it (qa/readers/_mdnotes.py); a task list's boxes
and an alert's kind (GitHub's "[x]", "[!NOTE]") are marks.
"""

from __future__ import annotations

import re

from ..errors import CorpusError
from . import Extracted
from ._blocks import Blocks, table_sentences
from ._htmlblocks import read_fragment
from ._mdnotes import Notes, notes_apart
from .html import check_limits
from .text import decode_utf8

# YAML (---, as Jekyll and Obsidian write it; possibly empty) or TOML (+++, as Hugo writes it); lines
# may end as CommonMark's do, in \n, \r\n or a lone \r (classic Mac).
_FRONT_MATTER = re.compile(
    r"\A(?:---[ \t]*(?:\r\n?|\n)(?:.*?(?:\r\n?|\n))??(?:---|\.\.\.)"
    r"|\+\+\+[ \t]*(?:\r\n?|\n)(?:.*?(?:\r\n?|\n))??\+\+\+)"
    r"[ \t]*(?:\r\n?|\n|\Z)",
    re.DOTALL,
)
_SKIPPED_INLINE = {"html_inline", "image"}
_UNESCAPED = re.compile(r"\\([\[\]])")  # an escaped bracket, "\[", read as the bracket
# GitHub's marks at the start of a block, drawn as a checkbox or a title, not read: a task list item's
# box ("- [x] Isi formulir.") and an alert's kind ("> [!NOTE]" above a quotation), as written at the
# start of the block's first paragraph ("`[ ]`", a code span, is text; Node.js's guides escape the
# brackets, "\[!TIP]", and GitHub draws them all the same).
_OPENING_MARK = {
    "list_item_open": re.compile(r"\A\[[ xX]\]\s+(?=\S)"),
    "blockquote_open": re.compile(r"\A\[!(?:NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*", re.IGNORECASE),
}
# What static sites and note vaults render from Markdown's text, replaced by what they show: an
# Obsidian (or wiki) link "[[Visa Kerja|halaman visa kerja]]" by its title, "[[Paspor]]" by its target
# ("Catatan#Bagian" as "Catatan > Bagian"), an embed "![[gambar.png]]" by nothing; a highlight "==x=="
# by x; an Obsidian comment "%%…%%", a Liquid (Jekyll) tag "{% … %}" or output "{{ … }}", a Hugo
# shortcode "{{< … >}}"/"{{% … %}}" and a kramdown attribute list "{: .note}" by nothing (the text
# between a shortcode's tags stays). A highlight or a comment opens and closes at a word's edge: "a==b
# dan c==d" and "naik 10%% … 5%%" are text. A tag, output or comment may run over lines of its
# paragraph. An attribute list is a line of its own or glued to what it marks ("*merah*{: .x}"): "{: "
# in prose after a space is text. What the writer escaped ("\[\[", "\=\=") is text, as written.
_SITE_MARKUP = [
    (re.compile(r"!\[\[[^\[\]\n]*\]\]"), ""),
    (re.compile(r"\[\[([^\[\]|\n]*)\|([^\[\]\n]+)\]\]"), r"\2"),
    (re.compile(r"\[\[([^\[\]|#\n]*)#\^?([^\[\]|\n]+)\]\]"), r"\1 > \2"),
    (re.compile(r"\[\[([^\[\]|\n]+)\]\]"), r"\1"),
    (re.compile(r"(?<![\w=])==(?=[^\s=])([^=\n]+?)(?<=[^\s=])==(?![\w=])"), r"\1"),
    (re.compile(r"(?<!\w)%%.*?%%(?!\w)|\{%.*?%\}|\{\{.*?\}\}", re.DOTALL), ""),
    (re.compile(r"(?:^|(?<=\S))\{:[^{}\n]*\}", re.MULTILINE), ""),
]
_SITE_CHARS = "[]=%{}!"  # the characters of that markup: one escaped is text
# An inline tag that breaks the line or opens a block separates the words around it ("satu<br>dua" is
# two words, also in a table cell); other tags (<b>, <span>, <a>) sit inside words and leave nothing.
_BREAKING_TAG = re.compile(
    r"<\s*/?\s*(?:br|hr|p|div|li|ul|ol|dl|dt|dd|tr|td|th|table|h[1-6]|blockquote|section|article|pre)\b",
    re.IGNORECASE,
)


# Lists and quotes nest at most this deep (a list level counts 2). markdown-it drops everything from
# the first block nested deeper to the end of the document without a word (its limit guards its
# recursion), so such a file is refused instead; CommonMark's own preset allows only 20, which ten
# nested list levels reach.
MAX_NESTING = 100


class _TooDeep(Exception):
    pass


def _parser():
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING}).enable(["table", "strikethrough"])
    md.disable("text_join")  # an escape stays a token of its own: see _inline_text
    tokenize = md.block.tokenize

    def guarded(state, start: int, end: int, *args, **kwargs) -> None:
        if state.level >= MAX_NESTING and start < end:  # markdown-it would skip to the end here
            raise _TooDeep
        tokenize(state, start, end, *args, **kwargs)

    md.block.tokenize = guarded  # nested blocks call it through md.block, so they are guarded too
    return md


def _plain(text: str, notes: re.Pattern[str] | None) -> str:
    """Prose as the site or the vault shows it: note markers off, wiki links as their titles, template
    tags and comments out (see ``_SITE_MARKUP``)."""
    text = notes.sub("", text) if notes is not None else text
    for pattern, replacement in _SITE_MARKUP:
        text = pattern.sub(replacement, text)
    return text


def _inline_text(token, notes: re.Pattern[str] | None = None) -> str:
    """The inline's text, the ``notes`` markers and site markup off its words but never out of a code
    span (``arr[^1]``, ``{{ .Title }}`` are code, kept as written)."""
    out: list[str] = []
    pending: list[str] = []  # consecutive text pieces: markdown-it splits "[[a|b]]" at its brackets
    for child in token.children or ():
        if child.type == "text_special" and child.info == "escape" and child.content in _SITE_CHARS:
            out.append(_plain("".join(pending), notes) + child.content)  # escaped: text, never markup
            pending.clear()
            continue
        if child.type in ("text", "text_special", "softbreak", "hardbreak"):  # a tag may span lines
            pending.append(child.content if child.type.startswith("text") else "\n")
            continue
        out.append(_plain("".join(pending), notes))
        pending.clear()
        if child.type == "code_inline":
            out.append(child.content)
        elif child.type == "html_inline" and _BREAKING_TAG.match(child.content):
            out.append(" ")
        elif child.type in _SKIPPED_INLINE:
            continue
    return "".join(out) + _plain("".join(pending), notes)


def read(raw: bytes, name: str) -> Extracted:
    source = _FRONT_MATTER.sub("", decode_utf8(raw, name), count=1)  # front matter is metadata
    source, noted = notes_apart(source)
    notes = noted.markers
    blocks = Blocks()
    path: list[tuple[int, str]] = []  # (level, heading text), outermost first
    level: int | None = None  # set while inside a heading
    rows: list[list[str]] | None = None  # set while inside a table
    has_header = False
    cited: list[str] = []  # notes cited by the block just read, to be read after it
    mark: re.Pattern[str] | None = None  # the mark a block just opened may start with
    try:
        tokens = _parser().parse(source)
    except _TooDeep:
        raise CorpusError(
            f"corpus file {name} nests lists or quotes too deep "
            f"(over {MAX_NESTING} levels, a list level counts 2)",
            "flatten the nesting: the text below that depth could not be read",
        ) from None
    in_notes = _gather_notes(tokens, noted)
    body = [tok for number, tok in enumerate(tokens) if tok.type == "inline" and number not in in_notes]
    uncited = set(noted.texts) - {label for tok in body for label in noted.cited(tok.content)}
    for number, tok in enumerate(tokens):
        if number in in_notes:
            if in_notes[number] in uncited:  # a note nothing cites is read where it is written
                _read_notes(blocks, noted, [in_notes[number]], path)
            continue  # read after the block that cites it
        if tok.type in _OPENING_MARK:
            mark = _OPENING_MARK[tok.type]
        elif tok.type not in ("paragraph_open", "inline"):
            mark = None  # a mark opens the block's first paragraph, not a code block or text after it
        if tok.type == "heading_open":
            level = int(tok.tag[1:])
        elif tok.type == "heading_close":
            level = None
        elif tok.type == "table_open":
            rows, has_header = [], False
        elif tok.type == "thead_open":
            has_header = True
        elif tok.type == "tr_open" and rows is not None:
            rows.append([])
        elif tok.type == "table_close" and rows is not None:
            for sentence in table_sentences(rows, has_header):
                blocks.add(sentence, headings=[h for _, h in path])
            rows = None
            _read_notes(blocks, noted, cited, path)
        elif tok.type == "inline":
            text = " ".join(_inline_text(tok, notes).split())  # a note's marker off its word
            if mark is not None and mark.match(_UNESCAPED.sub(r"\1", tok.content[:32])):  # as written
                text = mark.sub("", text, count=1)
            mark = None
            if level is not None:
                path = [(lv, h) for lv, h in path if lv < level]
                if text:
                    path.append((level, text))
            elif rows is not None and rows:
                rows[-1].append(text)
            else:
                blocks.add(text, headings=[h for _, h in path])
            cited.extend(noted.cited(tok.content))
            if rows is None:
                _read_notes(blocks, noted, cited, path)
        elif tok.type == "html_block" and rows is None:
            check_limits(tok.content.encode("utf-8"), name)  # nested past what lxml reads whole: refused
            path = read_fragment(tok.content, blocks, path)
        # fence and code_block carry no inline token: they are left out by construction
    _read_notes(blocks, noted, [label for label in noted.texts if label not in noted.placed], path)
    return blocks.build(name, "holds no text outside headings, code and HTML tags")


def _gather_notes(tokens: list, noted: Notes) -> dict[int, str]:
    """The numbers of the tokens that make up the notes' paragraphs, with their notes' labels, each
    note's text gathered in ``noted.texts`` (its marks and markup off, as any paragraph's)."""
    numbers: dict[int, str] = {}
    for number, tok in enumerate(tokens):
        label = noted.lines.get(tok.map[0]) if tok.map else None
        if label is not None and tok.type == "inline":
            noted.texts.setdefault(label, []).append(" ".join(_inline_text(tok, noted.markers).split()))
        if label is not None:
            numbers[number] = label
    return numbers


def _read_notes(blocks: Blocks, noted: Notes, cited: list[str], path: list[tuple[int, str]]) -> None:
    """The notes ``cited`` (not read yet) as paragraphs under ``path``, in the order they were cited."""
    for label in dict.fromkeys(cited):
        if label not in noted.placed:
            noted.placed.add(label)
            for text in noted.texts.get(label, ()):
                blocks.add(text, headings=[h for _, h in path])
    cited.clear()
