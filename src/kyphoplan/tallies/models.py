"""Running tallies for dashboards: a count, a sum and a sum of squares per key.

Written in the same transaction as the change they count, so a dashboard reads a few dozen
rows whatever the size of the tables behind them (a mean and its confidence interval need
nothing more). `rebuild` functions in the apps that own the data recompute them from scratch.
"""

from django.db import models


class Tally(models.Model):
    key = models.CharField(max_length=80, unique=True)
    n = models.BigIntegerField(default=0)
    total = models.FloatField(default=0.0)
    squares = models.FloatField(default=0.0)

    def __str__(self) -> str:
        return f"{self.key}: n={self.n}"
