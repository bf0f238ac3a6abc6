"""NDCG@10 on the two synthetic worlds: the retrained model, the rules ranker and the oracle.

Each world is trained and judged exactly as a retrain is (training.py, selection.py): the
model on the fit split, chosen and calibrated on the validation residents, everyone scored on
the frozen test table. The oracle ranks by the world's hidden utility. Run:
.venv/bin/python bench/match_worlds.py   (about 15 s on one core)
"""

import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from threadpoolctl import threadpool_limits  # noqa: E402

from jobmatch.matching.baselines import RulesRanker, SkillOverlapRanker  # noqa: E402
from jobmatch.matching.evaluation import (  # noqa: E402
    bootstrap_interval,
    paired_difference,
    per_query_ndcg,
)
from jobmatch.matching.model import PipelineRanker  # noqa: E402
from jobmatch.matching.selection import choose, judge  # noqa: E402
from jobmatch.matching.synthetic import OracleRanker, make_world  # noqa: E402
from jobmatch.matching.training import make_outcomes, split  # noqa: E402

TODAY = date(2026, 1, 10)


def main() -> None:
    for kind, seed in (("skills", 11), ("household", 5)):
        started = time.perf_counter()
        world = make_world(n_residents=1500, n_posts=40, seed=seed, today=TODAY, kind=kind)
        outcomes = make_outcomes(world.residents, world.posts, world.applications, world.vocabulary)
        sp = split(outcomes)
        with threadpool_limits(1):
            payload, selection = choose(outcomes, sp)
        rankers = {"model": PipelineRanker(payload), "rules": RulesRanker(),
                   "skill_overlap": SkillOverlapRanker()}  # fmt: skip
        judged = judge(outcomes, sp, rankers)
        table = judged["table"]
        per_query = judged["per_query"] | {
            "oracle": per_query_ndcg(
                table.query, OracleRanker(world, outcomes).score_table(table), table.relevance
            )
        }
        oracle = bootstrap_interval(per_query["oracle"])["mean"]
        seconds = time.perf_counter() - started
        print(f"{kind} world: {len(outcomes.statuses)} outcomes, {judged['queries']} test "
              f"queries, chosen {selection['chosen']} ({seconds:.1f} s)")  # fmt: skip
        for name, values in per_query.items():
            i = bootstrap_interval(values)
            print(f"  {name:<14} ndcg@10 {i['mean']:.4f} [{i['low']:.4f}, {i['high']:.4f}]"
                  f"  {i['mean'] / oracle:.3f} of the oracle")  # fmt: skip
        d = paired_difference(per_query["model"], per_query["rules"])
        print(f"  model - rules  {d['mean']:+.4f} [{d['low']:+.4f}, {d['high']:+.4f}]")


if __name__ == "__main__":
    main()
