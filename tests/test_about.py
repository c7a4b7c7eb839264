"""qa.about: the corpus describes itself (about.json), else neutral wording; and the UI shows it safely."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.about import ABOUT_FILE, MAX_EXAMPLES, load_about, neutral_about, parse_about
from qa.errors import CorpusError
from tests.conftest import CORPUS, DOC

HOSTILE = "x`<img src=x onerror=alert(5)>`.md"


def test_the_shipped_corpus_describes_itself_with_todays_wording():
    about = load_about(CORPUS, [DOC])
    assert about.own and about.title == "Tanya Jawab: Asisten Menteri Kerjasama Luar Negeri"
    assert (
        about.examples[0] == "apakah asisten menteri bisa memutuskan kebijakan?" and len(about.examples) == 5
    )
    assert about.language == "id" and "diplomat" in about.about


def test_without_the_file_the_wording_is_neutral_and_from_the_documents(tmp_path):
    about = load_about(tmp_path, ["panduan-cuti.md"])
    assert not about.own and about.title == "Tanya Jawab: Panduan cuti" and about.examples == ()
    many = neutral_about(["a.txt", "b.pdf", "c.docx"])
    assert many.title == "Tanya Jawab Dokumen" and "3 dokumen" in many.about
    for text in (about.title, about.description, about.about, many.description):
        assert "asisten" not in text.lower() and "menteri" not in text.lower()


def test_the_file_is_not_a_document_of_the_corpus(corpus_dir):
    from qa.corpus import find_documents

    (corpus_dir / ABOUT_FILE).write_text('{"title": "T"}', encoding="utf-8")
    assert [p.name for p in find_documents(corpus_dir)] == [DOC]


def test_missing_fields_fall_back_and_text_is_tidied(tmp_path):
    (tmp_path / ABOUT_FILE).write_text(
        json.dumps({"description": "  Satu\n baris. ", "examples": [" a  b "]})
    )
    about = load_about(tmp_path, ["cuti.txt"])
    assert (
        about.title == "Tanya Jawab: Cuti"
        and about.description == "Satu baris."
        and about.about == "Satu baris."
    )
    assert about.examples == ("a b",) and about.language is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"[1, 2]", "must hold a JSON object"),
        (b"{", "not valid JSON"),
        (b"[" * 100_000, "larger than 64 KB"),
        (b"[" * 60_000, "not valid JSON"),  # deep nesting: RecursionError, named
        (b'{"title": "\xff"}', "not valid UTF-8"),
        (b'{"judul": "T"}', "unknown key 'judul'"),
        (b'{"title": ""}', "'title' must be a non-empty text"),
        (b'{"title": 3}', "'title' must be a non-empty text"),
        (json.dumps({"title": "t" * 201}).encode(), "'title' is longer than 200"),
        (b'{"examples": "apa?"}', "'examples' must be a list"),
        (b'{"examples": ["apa?", 3]}', "'examples' must be a list"),
        (json.dumps({"examples": ["q"] * (MAX_EXAMPLES + 1)}).encode(), "at most 10 examples"),
    ],
)
def test_an_unusable_file_stops_with_its_name_and_the_reason(raw, message):
    with pytest.raises(CorpusError, match=message) as info:
        parse_about(raw, [DOC])
    assert ABOUT_FILE in info.value.message


def test_a_symlinked_or_folder_about_is_refused(tmp_path):
    (tmp_path / "elsewhere.json").write_text('{"title": "T"}')
    (tmp_path / ABOUT_FILE).symlink_to(tmp_path / "elsewhere.json")
    with pytest.raises(CorpusError, match="not a plain file"):
        load_about(tmp_path, [DOC])


def test_document_names_and_corpus_words_are_escaped_wherever_the_page_shows_them():
    from qa.ui import pages, render

    about = parse_about(
        json.dumps({"title": "<script>t</script>", "examples": ["<b>q</b>"]}).encode(), [HOSTILE]
    )
    info = {"documents": [HOSTILE, "b.txt"], "passages": 2, "encoder": {}, "build": {}, "threshold": 0.5}
    shown = pages.about_html(info, about) + pages.header_html(about)
    passage = {"rank": 1, "chunk_id": f"{HOSTILE}#1", "source": HOSTILE, "text": "t", "score": 0.9,
               "dense_score": 0.8, "lexical_score": 0.0, "matched_by": "meaning"}  # fmt: skip
    answer = {"text": "t", "source": HOSTILE, "chunk_id": f"{HOSTILE}#1", "score": 0.9, "highlights": []}
    shown += render.answer_card(
        {"abstained": False, "confidence": 0.9, "answer": answer, "passages": [passage]}, 0.5
    )
    shown += render.answer_card({"abstained": True, "confidence": 0.1, "passages": [passage]}, 0.5)
    shown += render.context_html({"passages": [passage]})
    assert "<img" not in shown and "<script" not in shown and "<b>q" not in shown
    assert "x`&lt;img src=x onerror=alert(5)&gt;`.md" in shown


def test_the_page_uses_the_corpus_words(settings, fake_encoder, tmp_path):
    import gradio as gr

    from qa.ui.layout import build_demo
    from tests.ui_helpers import make_app

    about = {"title": "Panduan Cuti", "description": "Soal cuti.", "examples": ["berapa hari cuti?"]}
    (settings.corpus_dir / ABOUT_FILE).write_text(json.dumps(about), encoding="utf-8")
    demo = build_demo(make_app(settings, fake_encoder, tmp_path / "web", threshold=0.0))
    html = " ".join(str(b.value) for b in demo.blocks.values() if isinstance(b, gr.HTML))
    assert demo.title == "Panduan Cuti" and "<h1>Panduan Cuti</h1><p>Soal cuti.</p>" in html
    examples = [b for b in demo.blocks.values() if isinstance(b, gr.Dataset)]
    assert [s for ex in examples for s in ex.samples] == [["berapa hari cuti?"]]
    assert "asisten menteri" not in html.lower()
    box = next(b for b in demo.blocks.values() if isinstance(b, gr.Textbox) and b.label == "Pertanyaan")
    assert box.placeholder == "mis. berapa hari cuti?"


def test_a_corpus_without_examples_gets_no_examples_block(settings, fake_encoder, tmp_path):
    import gradio as gr

    from qa.ui.layout import build_demo
    from tests.ui_helpers import make_app

    demo = build_demo(make_app(settings, fake_encoder, tmp_path / "web", threshold=0.0, about=False))
    assert not [b for b in demo.blocks.values() if isinstance(b, gr.Dataset)]
    assert demo.title == "Tanya Jawab: Asisten menteri kerjasama luar negeri"  # from the file name only


def test_shipped_about_file_is_valid_json_with_known_keys():
    data = json.loads((CORPUS / ABOUT_FILE).read_text(encoding="utf-8"))
    assert set(data) == {"title", "description", "about", "examples", "language"}
    assert Path(CORPUS / ABOUT_FILE).stat().st_size < 4096
