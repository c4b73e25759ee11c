"""Pure-Python reference of the school identification in docs/identification.md.

Written independently of competence.analytics, with plain loops and dicts and its own copy of the
indicator table: it is the baseline of bench_identification.py and the cross-check of
tests/analytics/test_identification.py. It applies the same documented decisions (gaps and
indices compared rounded to 9 decimal places, ascending-order sums, excluded schools left out of
the year, a school in both cuts takes the low educational / unfavourable social band, a school
excluded in its latest year has no category).
"""

import math

# code: (effect, gap threshold); the order is irrelevant here.
EDUCATIONAL = {
    "ege_no_cert": ("inverse", None),
    "ege_rus_below_min": ("inverse", None),
    "ege_math_below_min": ("inverse", None),
    "ege_rus_80plus": ("direct", None),
    "ege_math_80plus": ("direct", None),
    "oge_no_cert": ("inverse", None),
    "oge_rus_grade2": ("inverse", None),
    "oge_math_grade2": ("inverse", None),
    "oge_rus_grade5": ("direct", None),
    "oge_math_grade5": ("direct", None),
    "vpr_rus_grade2": ("inverse", None),
    "vpr_math_grade2": ("inverse", None),
    "vpr_rus_grade5": ("direct", None),
    "vpr_math_grade5": ("direct", None),
    "ege_rus_mean": ("gap", 20),
    "ege_math_profile_mean": ("gap", 20),
    "ege_math_base_mean": ("gap", 4),
    "oge_rus_mean": ("gap", 1),
    "oge_math_mean": ("gap", 1),
    "vpr_rus_mean": ("gap", 1),
    "vpr_math_mean": ("gap", 1),
}
SOCIAL_CODES = (
    "deviant",
    "school_register",
    "police_register",
    "non_native_russian",
    "special_needs",
    "unemployed_parents",
    "parents_no_higher_ed",
    "single_parent",
    "asocial_family",
    "free_meals",
    "guardianship",
)
SOCIAL = dict.fromkeys(SOCIAL_CODES, ("direct", None))
GROUPS = ("secondary", "basic")
DECIMALS = 9
# A school in both cuts: educational -> bottom (low), social -> top (unfavourable).
MEETING_CUTS = {"edu": "bottom", "social": "top"}


def _rounded(value):
    # Scale, round half to even, scale back: the same float as numpy.round(value, DECIMALS).
    return round(value * 10**DECIMALS) / 10**DECIMALS


def identify_reference(records, region_means=None, years=None):
    """Return {"years": [...], "schools": {school_id: {...}}} with unrounded indices."""
    region_means = region_means or {}
    if years is None:
        years = sorted({r.year for r in records})[-3:]
    years = sorted(years)
    by_key = {(r.year, r.school_id): r for r in records if r.year in years}

    index = {"edu": {}, "social": {}}  # kind -> (year, school_id) -> index
    band = {"edu": {}, "social": {}}  # kind -> (year, school_id) -> "bottom" / "middle" / "top"
    for year in years:
        active = [r for (y, _), r in by_key.items() if y == year and not r.excluded]
        means = _region_means(year, active, region_means)
        for group in GROUPS:
            members = [r for r in active if r.group == group]
            for kind, indicators in (("edu", EDUCATIONAL), ("social", SOCIAL)):
                group_index = _group_index(members, indicators, means)
                index[kind].update({(year, sid): v for sid, v in group_index.items()})
                bands = _bands(group_index, MEETING_CUTS[kind])
                band[kind].update({(year, sid): b for sid, b in bands.items()})

    latest_records = {}
    for (_year, school_id), record in sorted(by_key.items()):
        latest_records[school_id] = record
    schools = {}
    for school_id in sorted(latest_records):
        latest = latest_records[school_id]
        edu = [band["edu"].get((y, school_id)) for y in years]
        social = [band["social"].get((y, school_id)) for y in years]
        excluded = latest.excluded or None
        schools[school_id] = {
            "group": latest.group,
            "edu_index": {y: index["edu"].get((y, school_id)) for y in years},
            "edu_band": {
                y: _name(b, "low", "middle", "high") for y, b in zip(years, edu, strict=True)
            },
            "social_index": {y: index["social"].get((y, school_id)) for y in years},
            "social_band": {
                y: _name(b, "favourable", "neutral", "unfavourable")
                for y, b in zip(years, social, strict=True)
            },
            "category": None if excluded else _category(edu),
            "social_category": None if excluded else _social_category(social),
            "resilient": not excluded
            and sum(1 for e, s in zip(edu, social, strict=True) if e == s == "top") >= 2,
            "excluded": excluded,
        }
    return {"years": years, "schools": schools}


def _present(value):
    return value is not None and not math.isnan(value)


def _region_means(year, active, table):
    means = {}
    for code, (effect, _) in EDUCATIONAL.items():
        if effect != "gap":
            continue
        if (year, code) in table:
            means[code] = table[year, code]
            continue
        values = [r.values[code] for r in active if _present(r.values.get(code))]
        means[code] = math.fsum(values) / len(values) if values else None
    return means


def _group_index(members, indicators, means):
    """Map school_id to the mean of its normalised values, for schools with at least one."""
    normalised = {r.school_id: [] for r in members}
    for code, (effect, threshold) in indicators.items():
        present = {r.school_id: r.values[code] for r in members if _present(r.values.get(code))}
        if effect == "gap":
            if means.get(code) is None:
                continue
            for sid, x in present.items():
                normalised[sid].append(0.0 if _rounded(means[code] - x) > threshold else 1.0)
            continue
        if not present:
            continue
        low, high = min(present.values()), max(present.values())
        if low == high:
            continue
        for sid, x in present.items():
            distance = high - x if effect == "inverse" else x - low
            normalised[sid].append(distance / (high - low))
    result = {}
    for sid, values in normalised.items():
        if values:
            total = 0.0
            for value in sorted(values):  # explicit loop: sum() compensates on Python 3.12+
                total += value
            result[sid] = _rounded(total / len(values))
    return result


def _bands(group_index, meeting):
    n = len(group_index)
    if not n:
        return {}
    ordered = sorted(group_index.values())
    k = (n + 3) // 4
    bottom_value, top_value = ordered[k - 1], ordered[n - k]
    bands = {}
    for sid, value in group_index.items():
        in_bottom, in_top = value <= bottom_value, value >= top_value
        if in_bottom and in_top:
            bands[sid] = meeting
        elif in_bottom:
            bands[sid] = "bottom"
        elif in_top:
            bands[sid] = "top"
        else:
            bands[sid] = "middle"
    return bands


def _name(band, bottom, middle, top):
    return {"bottom": bottom, "middle": middle, "top": top, None: None}[band]


def _category(edu):
    if edu == ["bottom"] * 3:
        return "low_results"
    if edu[1:] == ["bottom"] * 2:
        return "risk"
    if edu == ["top"] * 3:
        return "stable_high"
    return "middle"


def _social_category(social):
    if social.count("top") >= 2:
        return "unfavourable"
    if social.count("bottom") >= 2:
        return "favourable"
    return "neutral"


def differences(result, reference, tolerance=1e-9):
    """List where an IdentificationResult disagrees with identify_reference output."""
    found = []
    if list(result.years) != reference["years"]:
        found.append(f"years {list(result.years)} != {reference['years']}")
    ids = [school.school_id for school in result.schools]
    if ids != list(reference["schools"]):
        found.append("different schools")
    for school in result.schools:
        expected = reference["schools"].get(school.school_id)
        if expected is None:
            continue
        for field in ("group", "category", "social_category", "resilient", "excluded"):
            if getattr(school, field) != expected[field]:
                found.append(f"{school.school_id} {field}: {getattr(school, field)!r}")
        for field in ("edu_band", "social_band"):
            if dict(getattr(school, field)) != expected[field]:
                found.append(f"{school.school_id} {field}: {getattr(school, field)!r}")
        for field in ("edu_index", "social_index"):
            for year, value in getattr(school, field).items():
                other = expected[field][year]
                if (value is None) != (other is None) or (
                    value is not None and abs(value - other) > tolerance
                ):
                    found.append(f"{school.school_id} {field} {year}: {value!r} != {other!r}")
    return found
