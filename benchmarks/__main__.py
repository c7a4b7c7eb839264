"""``make bench`` / ``python -m benchmarks``: where the time and memory go, at several corpus sizes.

Kept outside the runtime package (as bm25s and model2vec keep theirs): it needs dev-only libraries
(matplotlib, psutil, onnxruntime) and generated corpora that a deployment never does.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from . import report, steps
from .common import SIZES, Options


def run(opts: Options) -> dict:
    """Run every measurement for ``opts.sizes`` and write the report; returns the raw results."""
    plot = opts.plot or opts.output.with_suffix(".png")
    if opts.from_results is not None:
        results = json.loads(opts.from_results.read_text(encoding="utf-8"))
        report.write(results, opts.output, plot)
        opts.log(f"report: {opts.output}  plot: {plot}  (from {opts.from_results})")
        return results
    work = opts.workdir or Path(tempfile.mkdtemp(prefix="qa-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        results = steps.run_all(opts, work)
        (work / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
        report.write(results, opts.output, plot)
        kept = f"  raw: {work / 'results.json'}" if opts.workdir else ""
        opts.log(f"report: {opts.output}  plot: {plot}{kept}")
        return results
    finally:
        if opts.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


def parse_args(argv: list[str] | None = None) -> Options:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default=",".join(SIZES), help=f"comma-separated: {','.join(SIZES)}")
    p.add_argument("--quick", action="store_true", help="few questions, small probes (CI)")
    p.add_argument("--output", type=Path, default=Path("docs/benchmarks.md"), help="the Markdown report")
    p.add_argument("--plot", type=Path, help="the PNG (default: the report's name with .png)")
    p.add_argument("--workdir", type=Path, help="keep corpora, indexes and results.json here")
    p.add_argument("--no-ui", action="store_true", help="skip timing the web UI's start")
    p.add_argument("--from-results", type=Path, help="only rewrite the report from a run's results.json")
    args = p.parse_args(argv)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = sorted(set(sizes) - set(SIZES))
    if unknown or not sizes:
        p.error(f"unknown size(s): {', '.join(unknown) or '(none)'}; use {','.join(SIZES)}")
    return Options(
        sizes=sizes,
        quick=args.quick,
        output=args.output,
        plot=args.plot,
        workdir=args.workdir,
        ui=not args.no_ui,
        log=lambda msg: print(msg, file=sys.stderr),
        from_results=args.from_results,
    )


def main(argv: list[str] | None = None) -> int:
    run(parse_args(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
