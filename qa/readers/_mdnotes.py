"""A Markdown file's footnotes (GitHub's and Pandoc's ``[^1]``), read after the paragraph that cites them.

GitHub shows the notes at the foot of the page, in a section of their own. Read where they are written
(usually the end of the file), each note sat under the file's last heading: "Pelajar dibebaskan dari
biaya pendaftaran" was located in "› Tata Tertib Ruang Baca", a section about something else, and read
far from the sentence it qualifies. Each note is now read right after the first block that cites it,
under that block's headings, as the Word reader reads a footnote after its paragraph; a note no block
cites stays where it is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# A footnote's definition ("[^1]: text", up to 3 spaces in) and its references ("resmi[^1]"); only labels
# the document defines are markers, as GitHub reads them (an undefined "[^x]" is text).
NOTE_DEFINITION = re.compile(r" {0,3}\[\^([^\]\s]+)\]:[ \t]*")  # at a line's start
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


@dataclass
class Notes:
    """The notes of a file: the pattern of their markers, and the note each line of the source holds."""

    markers: re.Pattern[str] | None = None  # a reference, its label in group 1
    lines: dict[int, str] = field(default_factory=dict)  # line of the rewritten source -> its note's label
    texts: dict[str, list[str]] = field(default_factory=dict)  # a note's paragraphs, by label
    placed: set[str] = field(default_factory=set)  # notes read already

    def cited(self, content: str) -> list[str]:
        """The labels ``content`` (a block's source) cites whose notes are not read yet, in order."""
        if self.markers is None:
            return []
        labels = [m.group(1) for m in self.markers.finditer(content)]
        return [label for label in dict.fromkeys(labels) if label in self.texts and label not in self.placed]


def notes_apart(source: str) -> tuple[str, Notes]:
    """``source`` with each footnote a paragraph of its own without its label, its further paragraphs
    (indented by four spaces or a tab, as GitHub reads them) unindented: left indented they were a code
    block, dropped. The ``Notes`` say which lines of that text each note holds."""
    lines = _LINE.findall(source)  # markdown-it's lines: \n, \r\n or a lone \r ends one, nothing else
    labels = {m.group(1) for m in map(NOTE_DEFINITION.match, lines) if m is not None}
    if not labels:
        return source, Notes()
    markers = re.compile(r"\[\^(" + "|".join(re.escape(label) for label in labels) + r")\]")
    notes = Notes(markers)
    out: list[str] = []
    label: str | None = None
    row = 0  # the next line's number in the text returned
    for line in lines:
        definition = NOTE_DEFINITION.match(line)
        if definition is not None:
            label = definition.group(1)
            ending = line[len(line.rstrip("\r\n")) :] or "\n"  # the file's own: "\r" + "\n" would be one
            out.append(ending + line[definition.end() :])
            notes.lines[row + 1] = label
            row += 2
            continue
        if label is not None and line.startswith(("    ", "\t")):
            out.append(line[4:] if line.startswith("    ") else line[1:])
            notes.lines[row] = label
        else:
            label = label if label is not None and not line.strip() else None
            out.append(line)
        row += 1
    return "".join(out), notes
