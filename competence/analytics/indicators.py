"""Indicators of the school identification (ШНРО / ШНСУ), as data.

See docs/identification.md: table 1 of the regional methodology (educational results) and the
table of social characteristics. Codes are the column names of the indicator files.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

GROUP_SECONDARY: Final = "secondary"  # средние: have grade 11
GROUP_BASIC: Final = "basic"  # основные, вечерние, открытые (сменные)
GROUPS: Final = (GROUP_SECONDARY, GROUP_BASIC)

# Plausible value ranges, used to reject impossible values on import. Shares may be given as
# percentages or fractions (min-max normalisation makes the scale irrelevant), so 0..100 admits
# both. ЕГЭ means are test points (0..100; base mathematics uses its primary points, which fit);
# ОГЭ and ВПР means are mean grades on the five-point scale, where the lowest grade is 2.
SHARE_RANGE: Final = (0.0, 100.0)
EGE_SCORE_RANGE: Final = (0.0, 100.0)
GRADE_RANGE: Final = (2.0, 5.0)

# [resolved] The seed flags a school with 1 when its mean is below the region's mean by more than
# the threshold, i.e. 1 marks a bad school. The educational index grows with good results, so the
# value entering the index is inverted: 0 for "far below the region", 1 otherwise.
GAP_FLAG_FAR_BELOW: Final = 0.0
GAP_FLAG_OTHERWISE: Final = 1.0


class Effect(StrEnum):
    """How an indicator enters its index."""

    DIRECT = "direct"  # (x - min) / (max - min), seed formulas 1 and 3
    INVERSE = "inverse"  # (max - x) / (max - min), seed formula 2
    GAP = "gap"  # 0/1 flag: school mean vs region mean (the seed's "second method")


@dataclass(frozen=True)
class Indicator:
    """One indicator: file column code, Russian title, effect and plausible range."""

    code: str
    title: str
    effect: Effect
    value_range: tuple[float, float] = SHARE_RANGE
    gap_threshold: float | None = None


def _gap(code: str, title: str, value_range: tuple[float, float], threshold: float) -> Indicator:
    return Indicator(code, title, Effect.GAP, value_range, threshold)


EDUCATIONAL_INDICATORS: Final = (
    Indicator("ege_no_cert", "Доля выпускников, не получивших аттестат (ЕГЭ)", Effect.INVERSE),
    Indicator(
        "ege_rus_below_min",
        "Доля участников ЕГЭ по русскому языку ниже минимального порога",
        Effect.INVERSE,
    ),
    Indicator(
        "ege_math_below_min",
        "Доля участников ЕГЭ по математике ниже минимального порога",
        Effect.INVERSE,
    ),
    Indicator(
        "ege_rus_80plus", "Доля участников ЕГЭ по русскому языку с 80+ баллов", Effect.DIRECT
    ),
    Indicator("ege_math_80plus", "Доля участников ЕГЭ по математике с 80+ баллами", Effect.DIRECT),
    Indicator("oge_no_cert", "Доля выпускников, не получивших аттестат (ОГЭ)", Effect.INVERSE),
    Indicator("oge_rus_grade2", "Доля «2» на ОГЭ по русскому языку", Effect.INVERSE),
    Indicator("oge_math_grade2", "Доля «2» на ОГЭ по математике", Effect.INVERSE),
    Indicator("oge_rus_grade5", "Доля «5» на ОГЭ по русскому языку", Effect.DIRECT),
    Indicator("oge_math_grade5", "Доля «5» на ОГЭ по математике", Effect.DIRECT),
    Indicator("vpr_rus_grade2", "Доля «2» на ВПР по русскому языку", Effect.INVERSE),
    Indicator("vpr_math_grade2", "Доля «2» на ВПР по математике", Effect.INVERSE),
    Indicator("vpr_rus_grade5", "Доля «5» на ВПР по русскому языку", Effect.DIRECT),
    Indicator("vpr_math_grade5", "Доля «5» на ВПР по математике", Effect.DIRECT),
    _gap("ege_rus_mean", "Средний балл ЕГЭ по русскому языку", EGE_SCORE_RANGE, 20.0),
    _gap(
        "ege_math_profile_mean",
        "Средний балл ЕГЭ по профильной математике",
        EGE_SCORE_RANGE,
        20.0,
    ),
    _gap("ege_math_base_mean", "Средний балл ЕГЭ по базовой математике", EGE_SCORE_RANGE, 4.0),
    _gap("oge_rus_mean", "Средняя оценка ОГЭ по русскому языку", GRADE_RANGE, 1.0),
    _gap("oge_math_mean", "Средняя оценка ОГЭ по математике", GRADE_RANGE, 1.0),
    _gap("vpr_rus_mean", "Средняя оценка ВПР по русскому языку", GRADE_RANGE, 1.0),
    _gap("vpr_math_mean", "Средняя оценка ВПР по математике", GRADE_RANGE, 1.0),
)

# All social indicators are shares with a direct effect: higher means worse conditions.
SOCIAL_INDICATORS: Final = (
    Indicator("deviant", "Доля обучающихся с девиантным поведением", Effect.DIRECT),
    Indicator("school_register", "Доля обучающихся на внутришкольном учёте", Effect.DIRECT),
    Indicator("police_register", "Доля обучающихся на учёте ОВД и КДН", Effect.DIRECT),
    Indicator("non_native_russian", "Доля обучающихся с неродным русским языком", Effect.DIRECT),
    Indicator("special_needs", "Доля обучающихся с ОВЗ и детей-инвалидов", Effect.DIRECT),
    Indicator(
        "unemployed_parents",
        "Доля обучающихся с одним или обоими безработными родителями",
        Effect.DIRECT,
    ),
    Indicator(
        "parents_no_higher_ed",
        "Доля обучающихся, оба родителя которых не имеют высшего образования",
        Effect.DIRECT,
    ),
    Indicator("single_parent", "Доля обучающихся из неполных семей", Effect.DIRECT),
    Indicator(
        "asocial_family",
        "Доля обучающихся из семей в социально опасном положении",
        Effect.DIRECT,
    ),
    Indicator("free_meals", "Доля обучающихся, обеспеченных бесплатным питанием", Effect.DIRECT),
    Indicator("guardianship", "Доля обучающихся под опекой или попечительством", Effect.DIRECT),
)

EDUCATIONAL_CODES: Final = tuple(indicator.code for indicator in EDUCATIONAL_INDICATORS)
SOCIAL_CODES: Final = tuple(indicator.code for indicator in SOCIAL_INDICATORS)
GAP_CODES: Final = tuple(i.code for i in EDUCATIONAL_INDICATORS if i.effect is Effect.GAP)
INDICATORS_BY_CODE: Final = {i.code: i for i in EDUCATIONAL_INDICATORS + SOCIAL_INDICATORS}
