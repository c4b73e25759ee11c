"""Who the generated staff are: names, positions, subjects and the instruments they take.

Pure numpy and the standard library: a seeded generator in, plain arrays and tuples out, so the
same seed gives the same people (docs/analytics-generator.md gives the shares).
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

SOFT_SKILLS = "soft-skills"
MANAGEMENT = "management-director"
METHODICAL = "methodical-teacher"
MATHEMATICS = "mathematics-teacher"
RUSSIAN = "russian-teacher"

# Positions of staff other than the director, with their shares (a school's usual make-up).
POSITION_SHARES = {
    "teacher": 0.67,
    "primary_teacher": 0.15,
    "deputy_director": 0.05,
    "additional_education": 0.045,
    "psychologist": 0.02,
    "social_pedagogue": 0.02,
    "other": 0.02,
    "speech_therapist": 0.015,
    "tutor": 0.01,
}
# A subject teacher's main subject: its share, and a second subject often taught with it and
# how often. The shares follow the weekly hours of the basic curriculum, roughly.
SUBJECT_SHARES = {
    "russian": (0.14, "literature", 0.8),
    "mathematics": (0.14, "informatics", 0.15),
    "english": (0.11, None, 0.0),
    "physical_education": (0.08, None, 0.0),
    "history": (0.07, "social_studies", 0.8),
    "biology": (0.045, "chemistry", 0.2),
    "technology": (0.04, None, 0.0),
    "physics": (0.04, "informatics", 0.2),
    "chemistry": (0.035, "biology", 0.3),
    "geography": (0.035, "biology", 0.2),
    "informatics": (0.035, "mathematics", 0.2),
    "literature": (0.03, "russian", 0.5),
    "arts": (0.025, "technology", 0.2),
    "music": (0.025, None, 0.0),
    "life_safety": (0.02, "physical_education", 0.3),
    "german": (0.01, "english", 0.3),
    "native_language": (0.01, None, 0.0),
    "french": (0.005, None, 0.0),
    "chinese": (0.005, None, 0.0),
}
# Deputy directors who also teach a subject.
DEPUTY_TEACHES_SHARE = 0.6
# Women among teachers and among directors.
WOMEN_SHARE = 0.82
WOMEN_DIRECTORS_SHARE = 0.72


def _words(text: str) -> tuple[str, ...]:
    """Return the words of a text."""
    return tuple(text.split())


# Surnames by their masculine form; the feminine adds «а» to -ов/-ев/-ёв/-ин.
SURNAMES = _words(
    """
    Иванов Петров Смирнов Кузнецов Попов Васильев Соколов Михайлов Новиков Фёдоров Морозов
    Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев
    Макаров Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв
    Сергеев Фролов Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков
    Сорокин Виноградов Ковалёв Белов Медведев Антонов Тарасов Жуков Ким Ли Пак Шевченко
    Бондаренко Коваленко Ткаченко Кравченко Литвиненко Гончаренко
    """
)
MEN = _words(
    """
    Александр Алексей Андрей Антон Виктор Владимир Дмитрий Евгений Иван Игорь Константин
    Максим Михаил Николай Олег Павел Роман Сергей Юрий Денис
    """
)
WOMEN = _words(
    """
    Анна Валентина Виктория Галина Дарья Евгения Екатерина Елена Ирина Людмила Марина
    Мария Надежда Наталья Оксана Ольга Светлана Татьяна Юлия Алёна Вера Лариса
    """
)
# Patronymics of sons; a daughter's ends in «-на» instead of «-ич» (Сергеевич, Сергеевна).
PATRONYMICS = _words(
    """
    Александрович Алексеевич Андреевич Викторович Владимирович Дмитриевич Иванович
    Михайлович Николаевич Олегович Павлович Петрович Сергеевич Юрьевич
    """
)


def feminine(surname: str) -> str:
    """Return the feminine form of a surname (those of other endings do not change)."""
    return surname + "а" if surname.endswith(("ов", "ев", "ёв", "ин")) else surname


@dataclass(frozen=True)
class People:
    """Generated people: one entry per person in every tuple, directors first in each school."""

    school: np.ndarray  # index into the schools given
    director: np.ndarray  # bool
    positions: tuple[str, ...]
    subjects: tuple[tuple[str, ...], ...]
    names: tuple[str, ...]

    @property
    def count(self) -> int:
        """Return how many people there are."""
        return len(self.positions)


def subject_instrument(position: str, subjects: Sequence[str]) -> str | None:
    """Return the instrument a person takes besides soft skills, if one fits the position.

    Leaders take the management one; a mathematics or Russian teacher the subject one; other
    subject and primary teachers the methodical one; other staff (psychologists, tutors...) soft
    skills only: no other shipped instrument is meant for them.
    """
    if position in ("director", "deputy_director"):
        return MANAGEMENT
    if position == "primary_teacher":
        return METHODICAL
    if position != "teacher":
        return None
    if "mathematics" in subjects:
        return MATHEMATICS
    if "russian" in subjects or "literature" in subjects:
        return RUSSIAN
    return METHODICAL


def generate_people(
    rng: np.random.Generator, staff: Sequence[int], directors: Sequence[bool]
) -> People:
    """Return the staff of each school (`staff[i]` people besides a director if `directors[i]`)."""
    counts = np.asarray(staff, dtype=np.int64) + np.asarray(directors, dtype=np.int64)
    school = np.repeat(np.arange(len(counts)), counts)
    first = np.concatenate(([0], np.cumsum(counts)[:-1]))[np.asarray(directors, dtype=bool)]
    director = np.zeros(school.size, dtype=bool)
    director[first] = True
    n = school.size

    position_codes = list(POSITION_SHARES)
    shares = np.array(list(POSITION_SHARES.values()))
    drawn = rng.choice(len(position_codes), size=n, p=shares / shares.sum())
    positions = tuple("director" if director[i] else position_codes[drawn[i]] for i in range(n))

    subject_codes = list(SUBJECT_SHARES)
    subject_shares = np.array([share for share, _, _ in SUBJECT_SHARES.values()])
    main = rng.choice(len(subject_codes), size=n, p=subject_shares / subject_shares.sum())
    second_draw, deputy_draw = rng.random(n), rng.random(n)
    subjects = []
    for i, position in enumerate(positions):
        code = subject_codes[main[i]]
        _, second, second_share = SUBJECT_SHARES[code]
        if position == "teacher":
            subjects.append((code, second) if second and second_draw[i] < second_share else (code,))
        elif position == "primary_teacher":
            subjects.append(("primary",))
        elif position == "deputy_director" and deputy_draw[i] < DEPUTY_TEACHES_SHARE:
            subjects.append((code,))
        else:
            subjects.append(())

    women = rng.random(n) < np.where(director, WOMEN_DIRECTORS_SHARE, WOMEN_SHARE)
    surname = rng.integers(len(SURNAMES), size=n)
    given = rng.integers(max(len(MEN), len(WOMEN)), size=n)
    father = rng.integers(len(PATRONYMICS), size=n)
    names = []
    for i in range(n):
        if women[i]:
            parts = (
                feminine(SURNAMES[surname[i]]),
                WOMEN[given[i] % len(WOMEN)],
                PATRONYMICS[father[i]].removesuffix("ич") + "на",
            )
        else:
            parts = (SURNAMES[surname[i]], MEN[given[i] % len(MEN)], PATRONYMICS[father[i]])
        names.append(" ".join(parts))
    return People(school, director, positions, tuple(subjects), tuple(names))
