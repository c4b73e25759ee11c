"""Benchmark the item analysis with Rasch calibration on simulated Rasch data.

    python benchmarks/bench_item_stats.py [--persons 10000] [--items 60] [--seed 1] [--repeats 5]
                                          [--missing 0.0]

Scores are drawn from the Rasch model with known difficulties (evenly spread from -2 to 2
logits) and normal abilities; the script times the whole analysis (`itemanalysis.analyse`:
classical statistics, alpha, and the JMLE calibration), prints the best time against the
2-second budget of issue 14, and checks that the estimates recover the known difficulties.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

if not __package__:  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from competence.analytics.itemanalysis import analyse  # noqa: E402

BUDGET_SECONDS = 2.0


def simulate(n_persons: int, n_items: int, seed: int, missing: float) -> tuple[np.ndarray, ...]:
    """Return 0/1 scores from the Rasch model and the difficulties they were drawn from."""
    rng = np.random.default_rng(seed)
    difficulties = np.linspace(-2, 2, n_items)
    ability = rng.normal(size=n_persons)
    chance = 1 / (1 + np.exp(difficulties[None, :] - ability[:, None]))
    scores = (rng.random(chance.shape) < chance).astype(float)
    scores[rng.random(scores.shape) < missing] = np.nan
    return scores, difficulties


def main(argv: list[str] | None = None) -> int:
    """Time the analysis, check the recovery of the difficulties and print both."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--missing", type=float, default=0.0, help="share of scores left empty")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("repeats must be at least 1")

    scores, difficulties = simulate(args.persons, args.items, args.seed, args.missing)
    item_ids = [f"item{i + 1:02d}" for i in range(args.items)]
    best, analysis = float("inf"), None
    for _ in range(args.repeats):
        start = time.perf_counter()
        analysis = analyse(item_ids, scores)
        best = min(best, time.perf_counter() - start)

    rasch = analysis.rasch
    z = (rasch.difficulty - (difficulties - difficulties.mean())) / rasch.difficulty_se
    print(f"{args.persons} persons x {args.items} items, missing share {args.missing:g}")
    print(f"alpha {analysis.scale.alpha:.3f}, SEM {analysis.scale.sem:.2f} points of the total")
    print(f"Rasch: {rasch.iterations} iterations, converged: {rasch.converged}")
    within, largest = np.mean(np.abs(z) < 2), np.max(np.abs(z))
    print(f"difficulties within 2 SE of the truth: {within:.0%}, max |z| {largest:.2f}")
    print(f"best of {args.repeats}: {best:.3f} s (budget {BUDGET_SECONDS:g} s)")
    return 0 if best < BUDGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
