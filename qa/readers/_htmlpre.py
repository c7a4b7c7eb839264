"""Preformatted text (``<pre>``) read as it is shown: code left out, other text line by line.

The readers leave out a code block (``<pre><code>``), as Markdown's fences, and read a ``<pre>``'s
text as one paragraph. But code is often marked only by a class, or not at all (old documentation
writes C in a bare ``<pre>``), and a ``<pre>`` of text is laid out in lines (an address, a schedule)
that ran together as one "sentence". ``settle_preformatted`` settles each ``<pre>`` before the readers
see it; ``qa.readers._htmlprep`` calls it before it splits paragraphs at double line breaks.
"""

from __future__ import annotations

import re

# A class naming code, on a <pre> or the element around it: highlighters (Prism, highlight.js, Pygments,
# Rouge, SyntaxHighlighter's "brush:"), Pandoc's sourceCode, or plainly "code".
_CODE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:language|lang|highlight|highlighter|sourcecode|code|brush|prettyprint|hljs|listing)"
    r"(?:$|[\s:_-])",
    re.IGNORECASE,
)


def settle_preformatted(root) -> None:
    """A ``<pre>`` that is code by its class or its text but holds no ``<code>`` (``<pre
    class="language-python">``, ``<div class="highlight"><pre>``, a bare ``<pre>`` of C) is a code
    block, left out as ``<pre><code>`` is (its lines were read as text, "x = 1"); any other ``<pre>``
    is text laid out in lines (an address, a schedule, a poem), each line a paragraph of its own, as
    shown (they ran together as one "sentence")."""
    for pre in list(root.iter("pre")):
        around = pre.getparent()
        classes = " ".join(e.get("class", "") for e in (pre, around) if e is not None)
        inside = {e.tag for e in pre.iterdescendants()}
        if "code" in inside:
            continue  # already a code block: the readers drop it
        code_like = _CODE_CLASS.search(classes) or pre.get("data-lang") or inside & {"kbd", "samp"}
        if code_like or reads_as_code(pre.text_content()):
            code = pre.makeelement("code", {})
            code.text, pre.text = pre.text, None
            code.extend(list(pre))
            pre.append(code)
            continue
        pre.tag = "div"
        _break_lines(pre)


_CODE_SIGNS = frozenset("{}[]()<>;=#$\\&*")  # not "/", "_", "@": a web or mail address has them
_CODE_LINE_END = ("{", "}", ";", "*/", "\\")


def reads_as_code(text: str) -> bool:
    """A bare ``<pre>`` of code (old documentation writes C, shell or Python so): over 6 % of its
    visible characters are programming signs, or a third of its lines end as code lines do. An
    address, a schedule or a poem has almost none ("Jl. Merdeka Barat No. 10", "08.00 - 09.00")."""
    visible = [c for c in text if not c.isspace()]
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    signs = sum(1 for c in visible if c in _CODE_SIGNS)
    ending = sum(1 for line in lines if line.endswith(_CODE_LINE_END))
    return bool(visible) and (signs > 0.06 * len(visible) or 3 * ending >= len(lines))


WRAPPED = 0.6  # a line at least this share of the widest line, the next going on in lower case: wrapped


def wrapped_prose(lines: list[str], width: int) -> bool:
    """Prose wrapped at a fixed width: after most lines near the widest one, the next line goes on in
    lower case (a poem's and an address's lines open with capitals)."""
    pairs = [
        after.strip()[:1].islower()
        for line, after in zip(lines, lines[1:], strict=False)
        if len(line.strip()) >= WRAPPED * width and after.strip()
    ]
    return len(pairs) >= 2 and 2 * sum(pairs) > len(pairs)


def _break_lines(element) -> None:
    """Each line of ``element``'s own text and its children's tails ends its paragraph (two ``<br>``,
    which ``split_at_double_breaks`` reads so), unless it is prose wrapped at a fixed width (a licence,
    a plain-text letter): a line near the widest one, the next going on in lower case, is joined to it,
    as the PDF reader joins lines, and in such prose also a line going on in capitals that was broken
    only because its first word did not fit (a name, "Indonesia", mid-sentence). A short line (an
    address's, a schedule's) ends, whatever follows."""
    shown = element.text_content().split("\n")
    width = max(len(line.strip()) for line in shown)
    prose = wrapped_prose(shown, width)

    def goes_on(before: str, line: str) -> bool:
        """A line near the widest one, the next going on in lower case; in wrapped prose also in capitals
        when the next line's first word would not have fitted on it ("... the\nIndonesian ..."), unless
        it is indented further (an example, "    SELECT nama ...", a title set in): a wrapped line
        starts where the line before it started."""
        if len(before.strip()) < WRAPPED * width or not line.strip():
            return False
        word = line.split()[0]
        if line.strip()[:1].islower():
            return True
        indented = len(line) - len(line.lstrip()) > len(before) - len(before.lstrip())  # not wrapped there
        return prose and not indented and len(before.strip()) + 1 + len(word) > width

    def breaks_in(text: str | None) -> tuple[str | None, list]:
        lines = (text or "").split("\n")
        made: list = []
        kept, before = lines[0], lines[0]
        for line in lines[1:]:
            if goes_on(before, line):  # the sentence goes on
                if made:
                    made[-1].tail += " " + line
                else:
                    kept += " " + line
            else:
                first, second = element.makeelement("br", {}), element.makeelement("br", {})
                second.tail = line
                made += [first, second]
            before = line
        return kept, made

    element.text, made = breaks_in(element.text)
    inserts = [(0, made)]
    for i, child in enumerate(list(element), start=1):
        child.tail, made = breaks_in(child.tail)
        inserts.append((i, made))
    for index, made in reversed(inserts):
        for offset, br in enumerate(made):
            element.insert(index + offset, br)
