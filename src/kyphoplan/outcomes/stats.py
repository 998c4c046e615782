"""Mean and 95% confidence interval from a count, a sum and a sum of squares (what one
indexed GROUP BY returns). Student's t for small groups."""

from __future__ import annotations

import math
from dataclasses import dataclass

# Two-sided 95% critical values of Student's t by degrees of freedom.
_T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228,
        11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110, 18: 2.101, 19: 2.093,
        20: 2.086, 21: 2.080, 22: 2.074, 23: 2.069, 24: 2.064, 25: 2.060, 26: 2.056, 27: 2.052, 28: 2.048,
        29: 2.045, 30: 2.042, 40: 2.021, 60: 2.000, 120: 1.980}


def t95(df: int) -> float:
    if df in _T95:
        return _T95[df]
    # Between tabulated values take the smaller df: a slightly wider, more cautious interval.
    for below, above in ((30, 40), (40, 60), (60, 120)):
        if below < df < above:
            return _T95[below]
    return _T95[120] if df < 1000 else 1.960


@dataclass(frozen=True)
class MeanCI:
    n: int
    mean: float | None
    low: float | None
    high: float | None


def mean_ci(n: int, total: float, squares: float) -> MeanCI:
    if n == 0:
        return MeanCI(0, None, None, None)
    mean = total / n
    if n == 1:
        return MeanCI(1, mean, None, None)
    variance = max(0.0, (squares - n * mean * mean) / (n - 1))
    half = t95(n - 1) * math.sqrt(variance / n)
    return MeanCI(n, mean, mean - half, mean + half)
