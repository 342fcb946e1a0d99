"""Parton-shower scale variations as per-event weights: no regeneration.

Pythia's automated shower variations (``UncertaintyBands``, Mrenna and Skands 2016) compute, beside
each unweighted event, the weight it would have if the renormalisation scale of the final-state
(``fsr``) or initial-state (``isr``) shower were multiplied by a factor: the ratio of the
probabilities of the emissions made and of the ones vetoed. A *shower source* of
``systematics.shower`` (``{"fsr": {"fsr": 2.0}}``) makes ``fsr_up`` (scale x 2: smaller alpha_s,
less radiation) and ``fsr_down`` (scale / 2) of the variation sample's nominal events. The events
tree of that sample's nominal card carries each event's weight as the column ``weight_<variation>``;
a metric, a histogram or a quantile of the variation is that of the nominal events so weighted.

The weights are normalised to mean 1 over every *generated* event of a shard (the shower leaves the
inclusive cross section unchanged): the selected events' sum of weights then measures the change
of the selection efficiency, with less noise than the raw weights' own mean would allow.
"""

from __future__ import annotations

import numpy as np

WEIGHT_PREFIX = "weight_"
UNCERTAINTY_BANDS = {"fsr_pt2_min_factor": "FSRpTmin2Fac", "isr_pt2_min_factor": "ISRpTmin2Fac",
                     "delta_alpha_s_max": "deltaAlphaSmax"}   # systematics.shower_settings -> Pythia's names


def uncertainty_bands(settings: dict[str, float]) -> dict[str, float]:
    """``systematics.shower_settings`` as Pythia's UncertaintyBands parameters (without the prefix)."""
    unknown = sorted(set(settings) - set(UNCERTAINTY_BANDS))
    if unknown:
        raise ValueError(f"systematics.shower_settings: unknown keys {unknown}; known: {sorted(UNCERTAINTY_BANDS)}")
    return {UNCERTAINTY_BANDS[k]: float(v) for k, v in settings.items()}


def weight_column(variation: str) -> str:
    """The events-tree column holding each event's weight under the shower variation ``variation``."""
    return WEIGHT_PREFIX + variation


def event_weights(columns, variation: str) -> np.ndarray | None:
    """The weights of ``variation`` among ``columns`` (a dict of the events tree's columns); None
    when there are none (a detector or generator variation: every event counts once)."""
    column = weight_column(variation)
    return np.asarray(columns[column], dtype=np.float64) if column in columns else None


def effective_fraction(weights: np.ndarray) -> float:
    """Kish's effective sample size over the sample size, (sum w)^2 / (n sum w^2): 1 for equal
    weights; what fraction of the events' statistical power the weights leave."""
    w = np.asarray(weights, dtype=np.float64)
    return float(w.sum() ** 2 / (len(w) * np.sum(w * w))) if len(w) and np.any(w) else 0.0


def weighted_quantile(values: np.ndarray, weights: np.ndarray | None, q) -> np.ndarray:
    """Quantiles ``q`` of ``values``, each event counted with its weight (the inverse of the
    weighted empirical distribution function, as numpy's ``inverted_cdf``)."""
    if weights is None:
        return np.quantile(values, q)
    return np.quantile(values, q, weights=weights, method="inverted_cdf")


class WeightTally:
    """The weights of one shard: their sum over every generated event (the normalisation) and the
    selected events' columns, held until the shard is complete."""

    def __init__(self, names: list[str]):
        self.names = list(names)
        self.sums = dict.fromkeys(self.names, 0.0)
        self.generated = 0
        self.held: list[dict] = []

    def add_generated(self, weights: dict[str, np.ndarray]) -> None:
        """Count a batch's generated events and their weights."""
        for name in self.names:
            self.sums[name] += float(np.sum(weights[name]))
        self.generated += len(weights[self.names[0]]) if self.names else 0

    def hold(self, events: dict[str, np.ndarray], weights: dict[str, np.ndarray], keep: np.ndarray) -> None:
        """Keep a batch's selected events (``events``) with their weights (``weights[keep]``)."""
        self.held.append({**events, **{weight_column(n): weights[n][keep] for n in self.names}})

    def normalised_events(self) -> dict[str, np.ndarray]:
        """The held events, each weight divided by its variation's mean over the generated events."""
        columns = {c: np.concatenate([h[c] for h in self.held]) for c in self.held[0]} if self.held else {}
        for name in self.names:
            mean = self.sums[name] / self.generated
            if not mean > 0:
                raise ValueError(f"shower variation {name!r}: the weights of {self.generated} generated events "
                                 f"add up to {self.sums[name]!r}")
            if columns:
                columns[weight_column(name)] = columns[weight_column(name)] / mean
        return columns

    def summary(self, events: dict[str, np.ndarray]) -> dict[str, dict[str, float]]:
        """Per variation: the raw weights' mean over the generated events (1 up to statistics) and
        the selected events' effective fraction (``effective_fraction``)."""
        return {name: {"mean_generated": self.sums[name] / self.generated,
                       "effective_fraction_selected": effective_fraction(events[weight_column(name)])
                       if events else 0.0} for name in self.names}
