"""Where a batch's answers come from: the corpus and model (``qa.manifest.corpus_key``) and, under
``qa batch --doc``, the one document its questions were limited to (docs/reliability.md section 163).

Each record of an output carries the key of its scope, where it carried the corpus key alone: a run of
every document keeps that key as it was (older outputs resume as before), a run within one document
gets a key of its own, so ``--resume`` under another ``--doc`` (or none) is refused rather than mixing
answers from two scopes. The key stays 16 hex digits; which scope another key names is found by trying
the corpus's documents, so the refusal can say it in words.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass, field

from ..errors import InputError
from ..printable import quoted_path


def scoped_key(corpus: str, doc: str | None) -> str:
    """The key answers of ``corpus`` (a corpus key) asked within ``doc`` carry; ``corpus`` itself for none."""
    if doc is None:
        return corpus
    return hashlib.sha256(f"{corpus}\0{doc}".encode("utf-8", "surrogatepass")).hexdigest()[:16]


@dataclass(frozen=True)
class Scope:
    """One run's scope: the corpus key of the open index, the document id it was limited to (None: every
    document) and the corpus's document ids (to name the scope of a key found in an output)."""

    corpus: str
    doc: str | None = None
    documents: Collection[str] = field(default=(), compare=False)

    @property
    def key(self) -> str:
        return scoped_key(self.corpus, self.doc)

    def document_of(self, key: str) -> tuple[str | None] | None:
        """The scope ``key`` names in this corpus: ``(None,)`` every document, ``(id,)`` one; None when
        it is not this corpus's (another corpus or model)."""
        if key == self.corpus:
            return (None,)
        known = (self.doc, *self.documents) if self.doc is not None else self.documents
        return next(((d,) for d in known if scoped_key(self.corpus, d) == key), None)

    def mixed(self, path: object, found: str) -> InputError:
        """Why answers carrying the key ``found`` may not be resumed by this run (another key): another
        scope of this corpus said in words, else another corpus or model."""
        theirs = self.document_of(found)
        if theirs is not None:
            (doc,) = theirs
            again = "without --doc" if doc is None else f"with --doc {quoted_path(doc)}"
            return InputError(
                f"{path}: its answers were asked of {_said(doc)}, this run asks {_said(self.doc)}; resuming "
                "would mix answers from two scopes",
                f"resume {again}, as it was written, write to a new output file, or start it over with "
                "--force instead of --resume",
            )
        return InputError(
            f"{path}: its answers come from another corpus or model (corpus key {found}, this run's is "
            f"{self.key}); resuming would mix the two",
            "resume with the corpus (and model) it was written with, write to a new output file, "
            "or start it over with --force instead of --resume",
        )


def _said(doc: str | None) -> str:
    return "every document (no --doc)" if doc is None else f"document {quoted_path(doc)} only (--doc)"
