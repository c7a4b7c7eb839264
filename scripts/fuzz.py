"""The dedicated fuzzing run of issue 7.1: the properties of tests/test_fuzz.py at full scale.

CI runs each property with a few dozen examples; this runs them ``--scale`` times as many (25 by default:
over 12,000 generated inputs, a few hundred of them through the real bundled e5 model) and prints, per
target, how many inputs were tried, how many were refused with a QAError, the slowest input and the
longest one, then peak memory. Exit status 1 when any property fails (pytest prints the shrunk input).

It runs pytest on tests/test_fuzz.py as a separate process (``QA_FUZZ_SCALE`` sets the example counts,
``QA_FUZZ_STATS`` names the JSON file the counts are written to), so no script imports the tests.

    .venv/bin/python scripts/fuzz.py [--scale 25] [--only ask_real,batch_files]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = "tests/test_fuzz.py"
TARGETS = {  # target name (the key of the counts) -> the test that exercises it
    "chunker": "test_chunker_offsets_are_exact_on_hostile_text",
    "chunker_long": "test_chunker_is_fast_on_100k_character_lines",
    "lexical": "test_lexical_analysis_is_total_and_offsets_valid",
    "lexical_long": "test_lexical_analysis_is_fast_on_100k_characters",
    "lexical_index": "test_lexical_index_builds_saves_and_searches_anything",
    "ask_fake": "test_ask_with_the_fake_encoder_on_hostile_questions",
    "ask_real": "test_ask_with_the_real_model_on_hostile_questions",
    "ask_real_100k": "test_real_model_cuts_100k_character_questions_with_a_notice",
    "batch_files": "test_batch_reads_any_bytes_and_resumes_any_cut",
    "batch_stdin": "test_stdin_reader_takes_any_bytes",
    "batch_shaped": "test_batch_files_of_any_shape_answer_every_row_exactly_once",
    "batch_huge_line": "test_a_huge_line_without_end_is_one_error_row_in_bounded_time",
    "corpus_files": "test_corpus_folders_of_any_shape_build_or_refuse_by_name",
}
EXTRA_INPUTS = {"ask_real_100k": 2, "batch_huge_line": 2}  # fixed inputs, not counted by the properties


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=25.0, help="multiplier of the CI example counts")
    parser.add_argument("--only", default="", help="comma-separated target names (default: all)")
    args = parser.parse_args(argv)
    only = [t for t in args.only.split(",") if t] or list(TARGETS)
    unknown = set(only) - set(TARGETS)
    if unknown:
        parser.error(f"unknown targets: {', '.join(sorted(unknown))}; choose from {', '.join(TARGETS)}")

    stats_file = Path(tempfile.mkdtemp(prefix="qa-fuzz-")) / "stats.json"
    env = {**os.environ, "QA_FUZZ_SCALE": str(args.scale), "QA_FUZZ_STATS": str(stats_file),
           "HF_HUB_OFFLINE": os.environ.get("HF_HUB_OFFLINE", "1")}  # fmt: skip
    nodes = [f"{TESTS}::{TARGETS[name]}" for name in only]
    started = time.perf_counter()
    # -rA: one PASSED/FAILED line per test; --durations=0: the time each took
    code = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", "--durations=0", "-p", "no:cacheprovider", *nodes],
        cwd=ROOT,
        env=env,
    ).returncode
    elapsed = time.perf_counter() - started

    s = json.loads(stats_file.read_text(encoding="utf-8")) if stats_file.exists() else {}
    print(f"\n{'target':<16}{'inputs':>8}{'QAError':>9}{'slowest s':>11}{'longest':>10}")
    total = 0
    for name in only:
        n = s.get("inputs", {}).get(name, 0) or EXTRA_INPUTS.get(name, 0)
        total += n
        refused, slowest = s.get("refused", {}).get(name, 0), s.get("slowest", {}).get(name, 0.0)
        print(f"{name:<16}{n:>8}{refused:>9}{slowest:>11.3f}{s.get('longest', {}).get(name, 0):>10}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{'total':<16}{total:>8}   in {elapsed:.0f} s, peak RSS {peak:.0f} MiB, scale {args.scale:g}")
    print(f"pytest exit status: {code} ({'failures above' if code else 'no failures'})")
    return 1 if code else 0


if __name__ == "__main__":
    sys.exit(main())
