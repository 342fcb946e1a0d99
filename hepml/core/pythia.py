"""Run Pythia 8 and hand back events as flat numpy arrays (no per-particle Python), with a record
of what the generator did (version, tune, seed, cross section, errors and warnings).

Every generator in hepml (the benchmark processes and the quark/gluon jets) starts its Pythia
here, with :func:`make_pythia`, and seeds it with :func:`shard_seed`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field

import awkward as ak
import numpy as np

INVISIBLE = (12, 14, 16, 1000022, 1000039)
_QUIET = ["Next:numberCount = 0", "Next:numberShowEvent = 0", "Next:numberShowInfo = 0",
          "Next:numberShowProcess = 0", "Print:quiet = on"]


@contextlib.contextmanager
def _capture_stdout(path: str | os.PathLike = os.devnull):
    """Send what C++ writes to file descriptor 1 (Pythia's banner, statistics) to ``path``."""
    sys.stdout.flush()
    saved = os.dup(1)
    with open(path, "wb") as sink:
        os.dup2(sink.fileno(), 1)
    try:
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def shard_seed(base_seed: int, stream: str, shard: int, variant: int = 0) -> int:
    """Pythia seed (1 .. 900 000 000) of one variant of one shard of a named stream of events
    (``"higgs/signal"``, ``"qg/quark"``, ...): a hash, so every stream and shard gets its own."""
    digest = hashlib.sha256(f"{int(base_seed)}/{stream}/{int(shard)}/{int(variant)}".encode()).digest()
    return int.from_bytes(digest[:8], "little") % 900_000_000 + 1


def make_pythia(settings: list[str], seed: int, parameters: dict[str, float] | None = None):
    """An initialised ``pythia8mc.Pythia`` with ``settings``, quiet output and a fixed seed;
    ``parameters`` (``{"TimeShower:alphaSvalue": 0.16}``) set real-valued parameters, each checked to
    exist and to lie in Pythia's allowed range."""
    import pythia8mc

    with _capture_stdout():
        pythia = pythia8mc.Pythia("", False)
        for line in [*settings, *_QUIET, "Random:setSeed = on", f"Random:seed = {int(seed)}"]:
            if not pythia.readString(line):
                raise ValueError(f"Pythia rejected the setting {line!r}")
        for name, value in (parameters or {}).items():
            set_parameter(pythia, name, value)
        if not pythia.init():
            raise RuntimeError("Pythia initialisation failed; settings:\n  " + "\n  ".join(settings))
    return pythia


SHOWER_SCALES = ("fsr", "isr")   # the showers whose renormalisation scale a shower weight varies


def shower_weight_settings(variations: dict[str, dict[str, float]], settings: dict[str, float]) -> list[str]:
    """Pythia settings that compute, beside each (unweighted) event, the weight of every variation
    of ``variations`` ({name: {"fsr" or "isr": factor of the renormalisation scale}}, the factors of
    one name applied together), by Pythia's automated shower variations (``UncertaintyBands``);
    ``settings``: {UncertaintyBands parameter (without the prefix): value}."""
    groups = []
    for name, factors in variations.items():
        unknown = sorted(set(factors) - set(SHOWER_SCALES))
        if unknown or not factors:
            raise ValueError(f"shower variation {name!r}: {unknown or 'nothing'} to vary; give a factor of the "
                             f"renormalisation scale of {' or '.join(SHOWER_SCALES)}")
        groups.append(" ".join([name] + [f"{kind}:muRfac={float(f)!r}" for kind, f in factors.items()]))
    return (["UncertaintyBands:doVariations = on", "UncertaintyBands:List = {" + ", ".join(groups) + "}"]
            + [f"UncertaintyBands:{key} = {value}" for key, value in settings.items()])


def weight_columns(pythia, names: list[str]) -> dict[str, int]:
    """{variation name: its column in a batch's ``info.weights``} (column 0 is the event's own weight)."""
    info = pythia.infoPython()
    columns = {info.weightNameByIndex(i): i for i in range(1, info.numberOfWeights())}
    missing = [n for n in names if n not in columns]
    if missing:
        raise ValueError(f"Pythia computes no weight named {missing[0]!r} (it has {sorted(columns)}); "
                         "was it in UncertaintyBands:List?")
    return {n: columns[n] for n in names}


def set_parameter(pythia, name: str, value: float) -> None:
    """Set the real-valued Pythia parameter ``name`` to ``value``; an unknown name, a value outside
    Pythia's range (Pythia only prints an error and keeps the old value) or a non-finite value is an
    error naming the parameter."""
    settings = pythia.settings
    _check_parameter(settings, name)
    if not np.isfinite(value):
        raise ValueError(f"Pythia parameter {name}: {value!r} is not a finite number")
    with _capture_stdout():
        pythia.readString(f"{name} = {float(value)!r}")
    if settings.parm(name) != float(value):
        raise ValueError(f"Pythia parameter {name}: {value!r} is outside its allowed range "
                         "(Pythia refused it; the Pythia 8 manual's settings index gives the range)")


def default_parameter(name: str) -> float:
    """Pythia's default value of the real-valued parameter ``name``."""
    import pythia8mc

    with _capture_stdout():
        pythia = pythia8mc.Pythia("", False)
    _check_parameter(pythia.settings, name)
    return float(pythia.settings.parmDefault(name))


def _check_parameter(settings, name: str) -> None:
    if not settings.isParm(name):
        raise ValueError(f"{name!r} is not a real-valued Pythia parameter (see the Pythia 8 manual's settings index)")


_MESSAGE = re.compile(r"^\s*\|\s+(\d+)\s+(.*?)\s*\|\s*$")


def parse_message_statistics(text: str) -> dict[str, int]:
    """{message: count} from the 'Error and Warning Messages Statistics' block of ``Pythia::stat``."""
    block = text.split("Error and Warning Messages Statistics", 1)[-1]
    out = {}
    for line in block.splitlines():
        m = _MESSAGE.match(line)
        if m and "no errors or warnings" not in m.group(2):
            out[m.group(2)] = out.get(m.group(2), 0) + int(m.group(1))
    return out


def run_record(pythia, seed: int, n_generated: int) -> dict:
    """What one Pythia run did: version, tune, seed, cross section, messages by type."""
    with tempfile.NamedTemporaryFile() as tmp:
        with _capture_stdout(tmp.name):
            pythia.stat()
        messages = parse_message_statistics(open(tmp.name, errors="replace").read())
    info = pythia.infoPython()
    kinds = {"errors": "Error", "warnings": "Warning", "aborts": "Abort"}
    return {
        "generator": f"Pythia {pythia.settings.parm('Pythia:versionNumber'):.3f}",
        "tune_pp": int(pythia.settings.mode("Tune:pp")),
        "seed": int(seed),
        "events_generated": int(n_generated),
        "sigma_mb": float(info.sigmaGen()),
        "sigma_err_mb": float(info.sigmaErr()),
        **{k: {m: c for m, c in messages.items() if w in m} for k, w in kinds.items()},
    }


@dataclass
class Particles:
    """Flat per-particle arrays and the per-event counts."""

    px: np.ndarray
    py: np.ndarray
    pz: np.ndarray
    e: np.ndarray
    pid: np.ndarray
    counts: np.ndarray

    def __getitem__(self, mask: np.ndarray) -> "Particles":
        """The particles where ``mask`` (flat) is true, with the counts per event updated."""
        event = np.repeat(np.arange(len(self.counts)), self.counts)[mask]
        return Particles(self.px[mask], self.py[mask], self.pz[mask], self.e[mask], self.pid[mask],
                         np.bincount(event, minlength=len(self.counts)))


@dataclass
class GeneratedBatch:
    """A batch of generated events: visible final state, invisible momentum, heavy hadrons, truth."""

    visible: Particles
    invisible_px: np.ndarray
    invisible_py: np.ndarray
    b_hadrons: Particles
    c_hadrons: Particles
    record: Particles          # every particle of the event record (all statuses), for truth
    status: np.ndarray         # status of every record particle
    mass: np.ndarray           # generated mass of every record particle
    m_hat: np.ndarray          # invariant mass of the hard process, per event
    weights: dict[str, np.ndarray] = field(default_factory=dict)   # per event: variation weight / own weight

    @property
    def n_events(self) -> int:
        return len(self.m_hat)


def _flat(array) -> np.ndarray:
    return ak.to_numpy(ak.flatten(array))


def _heavy_flavour(pid: np.ndarray, quark: int) -> np.ndarray:
    """Hadrons (any status) containing the heavy quark ``quark`` (4 = c, 5 = b), by PDG id digits."""
    a = np.abs(pid)
    return (((a // 100) % 10 == quark) | ((a // 1000) % 10 == quark)) & (a > 100)


def flatten_batch(batch, weight_columns: dict[str, int] | None = None) -> GeneratedBatch:
    """Flat numpy arrays of a ``Pythia.nextBatch`` result, with the per-event weights of the
    variations of ``weight_columns`` ({name: column}, :func:`weight_columns`) relative to each
    event's own weight."""
    prt = batch.prt
    counts = ak.to_numpy(ak.num(prt.id))
    p = prt.p
    record = Particles(_flat(p.px), _flat(p.py), _flat(p.pz), _flat(p.e), _flat(prt.id), counts)
    status = _flat(prt.status)
    final = status > 0
    invisible = final & np.isin(np.abs(record.pid), INVISIBLE)
    event = np.repeat(np.arange(len(counts)), counts)
    n = len(counts)
    return GeneratedBatch(
        visible=record[final & ~invisible],
        invisible_px=np.bincount(event[invisible], weights=record.px[invisible], minlength=n),
        invisible_py=np.bincount(event[invisible], weights=record.py[invisible], minlength=n),
        b_hadrons=record[_heavy_flavour(record.pid, 5)],
        c_hadrons=record[_heavy_flavour(record.pid, 4)],
        record=record, status=status, mass=_flat(prt.m),
        m_hat=ak.to_numpy(batch.info.mHat).astype(np.float64),
        weights=_relative_weights(batch, weight_columns) if weight_columns else {},
    )


def _relative_weights(batch, columns: dict[str, int]) -> dict[str, np.ndarray]:
    w = np.asarray(ak.to_numpy(batch.info.weights), dtype=np.float64).reshape(len(batch.info.mHat), -1)
    return {name: w[:, i] / w[:, 0] for name, i in columns.items()}


def generate(pythia, n_events: int, batch_size: int = 2000, weights: list[str] | None = None):
    """Yield ``GeneratedBatch``es from an initialised Pythia until ``n_events`` were generated, each
    with the per-event weights of the shower variations named in ``weights``."""
    columns = weight_columns(pythia, weights) if weights else None
    done = 0
    while done < n_events:
        n = min(batch_size, n_events - done)
        with _capture_stdout():
            batch = pythia.nextBatch(n, "skip")
        done += n
        yield flatten_batch(batch, columns)
