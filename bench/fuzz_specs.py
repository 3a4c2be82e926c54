"""A longer fuzzing run than the test suite's: specs (random JSON, mutated examples) and
uploads (random bytes, truncated images, hostile ZIPs) through the same checks as
tests/safety/test_fuzz_inputs.py, with a fresh random seed each time unless one is given.

Reproduce:

    .venv/bin/python bench/fuzz_specs.py                      # 2,000 examples per target
    .venv/bin/python bench/fuzz_specs.py --examples 200 --seed 1

Prints, per target, how many inputs ended valid / explained (SpecError) and stored /
refused (UploadError), and the time taken; exits 1 with the failing input (Hypothesis's
shrunk example) when any input raised anything else or wrote outside the project.
"""
from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "safety"))
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("OMP_NUM_THREADS", "1")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--examples", type=int, default=2000, help="examples per target")
    ap.add_argument("--seed", type=int, default=None, help="a fixed seed (default: random)")
    args = ap.parse_args()

    import conftest  # noqa: F401  (registers the 'toy' data source some specs name)
    import fuzzing
    from hypothesis import HealthCheck, given, seed, settings
    from hypothesis import strategies as st

    os.environ["LAYERLAB_HOME"] = tempfile.mkdtemp(prefix="layerlab-fuzz-")
    project = Path(tempfile.mkdtemp(prefix="layerlab-fuzz-proj-")) / "proj"
    (project / "data").mkdir(parents=True)
    opts = settings(max_examples=args.examples, deadline=None, database=None, print_blob=True,
                    suppress_health_check=list(HealthCheck))
    targets = {
        "random JSON specs": (fuzzing.random_docs(), lambda d: fuzzing.check_spec(d)),
        "mutated example specs": (fuzzing.mutated_examples(), lambda d: fuzzing.check_spec(d)),
        "images (random, truncated, flipped)": (
            st.tuples(fuzzing.image_like(), st.sampled_from(["a.png", "b.jpg", "c", "d.csv", "e.exe"])),
            lambda t: fuzzing.check_upload(project, t[1], t[0], "file")),
        "hostile ZIPs": (fuzzing.hostile_zips(), lambda d: fuzzing.check_upload(project, "set.zip", d, "zip")),
    }
    failed = False
    print(f"{'target':40} {'examples':>8} {'outcomes':40} {'seconds':>8}")
    for name, (strategy, check) in targets.items():
        counts: collections.Counter[str] = collections.Counter()

        @opts
        @given(strategy)
        def run(value):
            counts[check(value)] += 1

        if args.seed is not None:
            run = seed(args.seed)(run)
        t0 = time.perf_counter()
        try:
            run()
        except Exception as e:  # noqa: BLE001 - report and go on with the next target
            failed = True
            import traceback
            for sub in getattr(e, "exceptions", [e]):
                text = "".join(traceback.format_exception(sub, limit=-4))
                # a shrunk hostile archive can still be megabytes of bytes: show its start and end
                print(f"{name}: FAILED:\n" + (text if len(text) < 4000 else text[:2500] + "\n...\n" + text[-1200:]),
                      file=sys.stderr)
        dt = time.perf_counter() - t0
        outcome = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        print(f"{name:40} {sum(counts.values()):8d} {outcome:40} {dt:8.1f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
