"""Matching inside one process, on one core: the seeded data grown to 100,000 residents.

Prints: top-20 posts for one resident (target median <= 5 ms), top-20 candidates for one post
among 100,000 residents (<= 100 ms), every resident x every seeded post scored in chunks
(<= 30 s, peak memory < 1 GB). Run: .venv/bin/python bench/match_inprocess.py
"""

import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"  # one core, as the target says

import resource  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from match_data import make_database  # noqa: E402

RESIDENTS = int(os.environ.get("BENCH_RESIDENTS", 100_000))
ROUNDS = 200


def timed(call, rounds=ROUNDS) -> list[float]:
    times = []
    for i in range(rounds):
        started = time.perf_counter()
        call(i)
        times.append((time.perf_counter() - started) * 1000)
    return times


def report(label: str, times: list[float], target: float) -> None:
    median = statistics.median(times)
    p95 = sorted(times)[int(0.95 * len(times)) - 1]
    verdict = "ok" if median <= target else "OVER TARGET"
    print(f"{label:<48} median {median:8.2f} ms  p95 {p95:8.2f} ms  target {target} ms  {verdict}")


def main() -> None:
    started = time.perf_counter()
    app, workdir = make_database(RESIDENTS - 3000)
    try:
        measure(app, workdir, started)
    finally:
        if not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(workdir, ignore_errors=True)


def measure(app, workdir, started) -> None:
    seconds = time.perf_counter() - started
    print(f"database of {RESIDENTS} residents built in {seconds:.1f} s ({workdir})")
    with app.app_context():
        import numpy as np

        from jobmatch import clock
        from jobmatch.matching import service
        from jobmatch.matching.service import rank_posts_for_resident, rank_residents_for_post

        matching = service.engine()
        started = time.perf_counter()
        snapshot = matching.snapshot()
        seconds = time.perf_counter() - started
        serving = matching.model.version or "rules"
        print(f"snapshot loaded in {seconds:.2f} s: {len(snapshot.residents)} residents, "
              f"{len(snapshot.posts)} posts, serving {serving}")  # fmt: skip
        resident_ids = snapshot.residents.ids
        open_posts = snapshot.posts.ids[snapshot.posts.open_mask(clock.today())]
        rng = np.random.default_rng(0)
        # Every timed call starts with the result cache emptied: these are computed rankings.
        picks = rng.choice(resident_ids, ROUNDS)
        report(
            "top-20 posts for one resident (all open posts)",
            timed(lambda i: matching.results.clear() or rank_posts_for_resident(int(picks[i]), 20)),
            5,
        )
        posts = rng.choice(open_posts, 50)
        report(
            f"top-20 candidates among {len(resident_ids)} residents",
            timed(
                lambda i: matching.results.clear() or rank_residents_for_post(int(posts[i]), 20),
                rounds=50,
            ),
            100,
        )
        started = time.perf_counter()
        pairs = scored = 0
        for chunk in service.score_all_pairs(chunk_size=4096):
            pairs += chunk.size
            scored += int((chunk > 0).sum())
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"all pairs: {pairs} ({len(resident_ids)} x {len(snapshot.posts)}) scored in "
              f"{seconds:.1f} s (target 30 s) {'ok' if seconds <= 30 else 'OVER TARGET'}; "
              f"peak memory of the whole process {peak_mb:.0f} MB (target < 1024 MB) "
              f"{'ok' if peak_mb < 1024 else 'OVER TARGET'}")  # fmt: skip


if __name__ == "__main__":
    main()
