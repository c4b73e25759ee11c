"""Confidence bounds for shares counted in small groups (standard library only).

A share of 2 out of 2 says less than 5 out of 7: ranking by the raw share puts the tiniest groups
first. The lower bound of the Wilson score interval ranks a share by what it shows at least,
with the size of the group taken into account.
"""

from math import sqrt

# The two-sided 95 % normal quantile, the usual confidence for such rankings.
Z_95 = 1.959963984540054


def wilson_lower_bound(successes: int, trials: int, z: float = Z_95) -> float:
    """Return the lower bound of the Wilson score interval of successes/trials (0 for none).

    (p + z²/2n − z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n), with p = successes / trials.
    """
    if trials < 0 or not 0 <= successes <= trials:
        raise ValueError(f"need 0 <= successes <= trials, got {successes} of {trials}")
    if trials == 0:
        return 0.0
    p = successes / trials
    z2 = z * z
    centre = p + z2 / (2 * trials)
    margin = z * sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    return max(0.0, (centre - margin) / (1 + z2 / trials))
