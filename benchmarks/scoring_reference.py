"""Pure-Python reference of attempt scoring in docs/instrument-format.md.

Written independently of competence.analytics.scoring, with plain loops and dicts: it is the
baseline of a scoring benchmark and the cross-check of tests/analytics/test_scoring.py. It reads a
scoring key by its attributes only and applies the same documented decisions: unanswered items
score 0, a numeric answer may exceed the tolerance by 1e-9 of the answer's magnitude, and a score
may fall short of a cut score or threshold by 1e-9 points. The total is the mean of the
competence scores. Answers are assumed valid.
"""

NUMERIC_SLACK = 1e-9
SCORE_SLACK = 1e-9


def score_attempt(key, answers):
    """Score one attempt; return {"items": {id: score}, "competences": {id: {...}}, "total"}."""
    items = {item.id: _item_score(item, answers.get(item.id)) for item in key.items}
    competences = {}
    for c, competence in enumerate(key.competences):
        weighted = total_weight = 0.0
        for i, item in enumerate(key.items):
            weight = key.weights[i][c]
            weighted += weight * items[item.id]
            total_weight += weight
        score = weighted / total_weight * 100
        level = key.levels[0]
        for name, cut in zip(key.levels, key.cut_scores, strict=True):
            if cut <= score + SCORE_SLACK:
                level = name
        threshold = key.thresholds[c]
        deficit = score < threshold - SCORE_SLACK
        competences[competence] = {
            "score": score,
            "level": level,
            "deficit": deficit,
            "depth": threshold - score if deficit else 0.0,
        }
    total = sum(result["score"] for result in competences.values()) / len(competences)
    return {"items": items, "competences": competences, "total": total}


def _item_score(item, answer):
    if answer is None:
        return 0.0
    if item.type in ("single_choice", "situational"):
        return float(item.credit[item.options.index(answer)])
    if item.type == "multiple_choice":
        correct = {o for o, credit in zip(item.options, item.credit, strict=True) if credit > 0}
        chosen = set(answer)
        if item.all_or_nothing:
            return 1.0 if chosen == correct else 0.0
        return max(0.0, (len(chosen & correct) - len(chosen - correct)) / len(correct))
    if item.type == "likert":
        low, high = item.points[0], item.points[-1]
        value = high - answer if item.reversed else answer - low
        return value / (high - low)
    if item.type == "numeric":
        allowed = item.tolerance + NUMERIC_SLACK * max(1.0, abs(item.answer))
        return 1.0 if abs(answer - item.answer) <= allowed else 0.0
    if item.type == "matching":
        return sum(1 for left, right in enumerate(answer) if right == left) / item.size
    if item.type == "ordering":
        pairs = concordant = 0
        for p in range(len(answer)):
            for q in range(p + 1, len(answer)):
                pairs += 1
                if answer[p] < answer[q]:
                    concordant += 1
        return concordant / pairs
    raise ValueError(f"unknown item type {item.type}")
