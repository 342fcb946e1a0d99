"""Jagged (per-event) arrays as flat numpy arrays plus counts: the few operations the detector needs.

A collection of ``n`` events holding ``counts[i]`` objects each is stored flat, event after event.
Every function here is vectorised over all events at once (no Python loop over events).
"""

from __future__ import annotations

import numpy as np


def offsets(counts: np.ndarray) -> np.ndarray:
    """Start of every event in the flat arrays, plus the total at the end (length n + 1)."""
    out = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=out[1:])
    return out


def event_index(counts: np.ndarray) -> np.ndarray:
    """The event each flat element belongs to."""
    return np.repeat(np.arange(len(counts)), counts)


def local_index(counts: np.ndarray) -> np.ndarray:
    """Position of each flat element inside its event (0, 1, ...)."""
    starts = offsets(counts)[:-1]
    return np.arange(int(np.sum(counts))) - np.repeat(starts, counts)


def segment_sum(values: np.ndarray, event: np.ndarray, n_events: int) -> np.ndarray:
    """Per-event sum of ``values`` whose events are ``event``."""
    return np.bincount(event, weights=values, minlength=n_events)


def sort_within_events(counts: np.ndarray, key: np.ndarray, descending: bool = True) -> np.ndarray:
    """Permutation of the flat elements that orders each event by ``key`` (events stay in order)."""
    event = event_index(counts)
    return np.lexsort((-key if descending else key, event))


def cross_pairs(counts_a: np.ndarray, counts_b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Flat indices (ia, ib) of every (a, b) pair of elements in the same event.

    For event i there are counts_a[i] * counts_b[i] pairs, a-major.
    """
    n_pairs = counts_a * counts_b
    if n_pairs.sum() == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    pair_event = event_index(n_pairs)
    k = local_index(n_pairs)
    nb = counts_b[pair_event]
    ia = offsets(counts_a)[:-1][pair_event] + k // nb
    ib = offsets(counts_b)[:-1][pair_event] + k % nb
    return ia, ib


def unique_pairs(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(event, i, j) flat indices of every pair i < j of elements within the same event."""
    ia, ib = cross_pairs(counts, counts)
    keep = ia < ib
    ia, ib = ia[keep], ib[keep]
    return event_index(counts)[ia], ia, ib


def first_per_event(mask: np.ndarray, counts: np.ndarray, k: int = 1) -> np.ndarray:
    """(n_events, k) flat indices of the first ``k`` elements with ``mask`` in each event; -1 where absent."""
    event = event_index(counts)[mask]
    flat = np.flatnonzero(mask)
    rank = local_index(np.bincount(event, minlength=len(counts)))
    out = np.full((len(counts), k), -1, dtype=np.int64)
    keep = rank < k
    out[event[keep], rank[keep]] = flat[keep]
    return out


def argbest_per_event(values: np.ndarray, event: np.ndarray, n_events: int) -> np.ndarray:
    """Index (into ``values``) of the smallest value of each event; -1 for events without any."""
    out = np.full(n_events, -1, dtype=np.int64)
    if len(values) == 0:
        return out
    order = np.lexsort((values, event))
    first = np.ones(len(order), dtype=bool)
    first[1:] = event[order[1:]] != event[order[:-1]]
    out[event[order[first]]] = order[first]
    return out


class Jagged:
    """Named flat columns of equal length plus the per-event counts (a tiny jagged record array)."""

    def __init__(self, counts: np.ndarray, **columns: np.ndarray):
        self.counts = np.asarray(counts, dtype=np.int64)
        self.columns = columns

    def __getattr__(self, name: str) -> np.ndarray:
        try:
            return self.__dict__["columns"][name]
        except KeyError:
            raise AttributeError(name) from None

    def select(self, mask: np.ndarray) -> "Jagged":
        """The elements where the flat ``mask`` is true."""
        event = event_index(self.counts)[mask]
        return Jagged(np.bincount(event, minlength=len(self.counts)),
                      **{k: v[mask] for k, v in self.columns.items()})

    def reorder(self, order: np.ndarray) -> "Jagged":
        """Elements permuted by ``order``, which must keep every element inside its event."""
        return Jagged(self.counts, **{k: v[order] for k, v in self.columns.items()})

    def events(self, mask: np.ndarray) -> "Jagged":
        """Only the events where the per-event ``mask`` is true."""
        keep = mask[event_index(self.counts)]
        return Jagged(self.counts[mask], **{k: v[keep] for k, v in self.columns.items()})
