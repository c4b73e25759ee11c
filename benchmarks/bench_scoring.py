"""Benchmark attempt scoring: the numpy scorer against a straightforward pure-Python one.

    python benchmarks/bench_scoring.py [--attempts 5000] [--items 60] [--seed 1] [--repeats 5]

A 60-item instrument mixing every item type (as the shipped ones do) and random answers, a share
left blank, are generated once; both scorers score the same attempts in one run. The script checks
they agree and prints attempts scored per second for each and the ratio. One attempt per call
is the submit path: it scores item by item from the key's prepared tables (no arrays), checking
every answer as the batch does, which the reference does not.
"""

import argparse
import random
import sys
import time
from pathlib import Path

if not __package__:  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import scoring_reference  # noqa: E402
from competence.analytics.scoring import ItemKey, ScoringKey, score_attempt, score_attempts  # noqa: E402

COMPETENCES = ("c1", "c2", "c3", "c4", "c5", "c6")
# Item types in about the proportions of the shipped instruments.
TYPES = (
    ["single_choice"] * 14
    + ["multiple_choice"] * 8
    + ["situational"] * 12
    + ["likert"] * 12
    + ["numeric"] * 6
    + ["matching"] * 4
    + ["ordering"] * 4
)
BLANK_SHARE = 0.1


def make_key(items: int, rng: random.Random) -> ScoringKey:
    """Return a scoring key of `items` items spread over six competences."""
    keys, weights = [], []
    for index in range(items):
        kind = TYPES[index % len(TYPES)]
        ident = f"i{index:02d}"
        options = tuple("abcde")
        if kind == "single_choice":
            key = ItemKey(ident, kind, options=options, credit=(1, 0, 0, 0, 0))
        elif kind == "multiple_choice":
            key = ItemKey(ident, kind, options=options, credit=(1, 1, 0, 1, 0))
        elif kind == "situational":
            key = ItemKey(ident, kind, options=options[:4], credit=(1, 0.5, 0.25, 0))
        elif kind == "likert":
            key = ItemKey(ident, kind, points=(1, 2, 3, 4, 5), reversed=index % 3 == 0)
        elif kind == "numeric":
            key = ItemKey(ident, kind, answer=12.5, tolerance=0.01)
        elif kind == "matching":
            key = ItemKey(ident, kind, size=4, choices=5)
        else:
            key = ItemKey(ident, kind, size=5)
        keys.append(key)
        row = [0.0] * len(COMPETENCES)
        row[index % len(COMPETENCES)] = 1.0
        if rng.random() < 0.25:
            row[(index + 1) % len(COMPETENCES)] = 0.5
        weights.append(tuple(row))
    return ScoringKey(
        items=tuple(keys),
        competences=COMPETENCES,
        weights=tuple(weights),
        thresholds=(65.0,) * len(COMPETENCES),
        levels=("low", "basic", "sufficient", "high"),
        cut_scores=(0.0, 50.0, 70.0, 85.0),
    )


def random_answer(item: ItemKey, rng: random.Random):
    """Return a plausible random answer to an item."""
    if item.type in ("single_choice", "situational"):
        return rng.choice(item.options)
    if item.type == "multiple_choice":
        return rng.sample(item.options, rng.randint(1, 3))
    if item.type == "likert":
        return rng.choice(item.points)
    if item.type == "numeric":
        return rng.choice((12.5, 12.0, 125.0, 12.505))
    if item.type == "matching":
        return [rng.choice([None, *range(item.choices)]) for _ in range(item.size)]
    order = list(range(item.size))
    rng.shuffle(order)
    return order


def make_attempts(key: ScoringKey, count: int, rng: random.Random) -> list[dict]:
    """Return `count` attempts, each leaving about a tenth of the items blank."""
    return [
        {item.id: random_answer(item, rng) for item in key.items if rng.random() >= BLANK_SHARE}
        for _ in range(count)
    ]


def best_times(runs: dict, repeats: int) -> dict[str, float]:
    """Return the best wall time of each run over `repeats` rounds.

    The runs take turns within each round, so a machine busy with other work slows them alike
    and the ratios stay meaningful.
    """
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeats):
        for name, run in runs.items():
            started = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - started)
    return best


def main() -> None:
    """Run both scorers on the same attempts and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=5000)
    parser.add_argument("--items", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    key = make_key(args.items, rng)
    attempts = make_attempts(key, args.attempts, rng)

    batch = score_attempts(key, attempts)
    for index in range(0, len(attempts), max(1, len(attempts) // 200)):
        reference = scoring_reference.score_attempt(key, attempts[index])
        assert abs(reference["total"] - float(batch.totals[index])) < 1e-9, index

    single_share = len(attempts) / min(1000, len(attempts))
    timings = best_times(
        {
            "numpy, batch of all attempts": lambda: score_attempts(key, attempts),
            "one attempt per call": lambda: [score_attempt(key, a) for a in attempts[:1000]],
            "pure Python reference": lambda: [
                scoring_reference.score_attempt(key, a) for a in attempts
            ],
        },
        args.repeats,
    )
    timings["one attempt per call"] *= single_share
    baseline = timings["pure Python reference"]
    print(f"{args.items}-item instrument, {args.attempts} attempts, best of {args.repeats}")
    print(f"{'scorer':<32}{'attempts/s':>12}{'vs reference':>14}")
    for name, seconds in timings.items():
        rate = args.attempts / seconds
        print(f"{name:<32}{rate:>12,.0f}{baseline / seconds:>13.2f}x")


if __name__ == "__main__":
    main()
