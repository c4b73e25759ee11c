"""Each teacher's newest result among score rows, and deficit counts over them, with numpy.

Score rows come one per (attempt, competence), sorted oldest attempt first. The pages count a
teacher once: with the newest attempt overall, or the newest of each school year for a trend.
Pure numpy, no loop over teachers.
"""

import numpy as np


def newest_rows(owner, attempt) -> np.ndarray:
    """Return the mask of rows that belong to their owner's newest attempt.

    `owner` identifies whose result a row is (a teacher, or a teacher and a year); rows are
    sorted oldest attempt first, so an owner's newest attempt is the one of its last row.
    """
    owner = np.asarray(owner)
    attempt = np.asarray(attempt)
    if not owner.size:
        return np.zeros(0, dtype=bool)
    _, last_from_end = np.unique(owner[::-1], return_index=True)
    newest = attempt[len(owner) - 1 - last_from_end]
    return np.isin(attempt, newest)


def deficit_counts(group, competence, deficit, shape: tuple[int, int]):
    """Count rows and rows with a deficit per (group, competence); both are small indices."""
    group = np.asarray(group, dtype=np.int64)
    competence = np.asarray(competence, dtype=np.int64)
    flat = group * shape[1] + competence
    size = shape[0] * shape[1]
    n = np.bincount(flat, minlength=size).reshape(shape)
    with_deficit = np.bincount(
        flat, weights=np.asarray(deficit, dtype=np.int64), minlength=size
    ).reshape(shape)
    return n.astype(np.int64), with_deficit.astype(np.int64)
