"""The parameterized study's outputs: per mass point, the parameterized network against the
dedicated network of that mass (AUC and both significances, mean ± std over seeds), and the
AUC against the mass with the held-out points marked."""

from __future__ import annotations

from ..core.records import MetricRecord
from ..core.tables import Column, Summary, Table, key, stat, summarise
from .masses import mass_of


def by_mass(records: list[MetricRecord]) -> dict[float, dict[str, Summary]]:
    """{mass: {"param": summary, "dedicated": summary}}."""
    out: dict = {}
    for s in summarise(records):
        out.setdefault(mass_of(s.cell.evaluation), {})[s.cell.model] = s
    return dict(sorted(out.items()))


class Row:
    """One mass point: both networks' summaries and whether the mass was held out of training."""

    def __init__(self, mass: float, summaries: dict[str, Summary], held_out: bool):
        self.mass, self.param, self.dedicated, self.held_out = mass, summaries.get("param"), summaries.get("dedicated"), held_out


def _networks(header: str, name: str, digits: int, hepdata: str) -> list[Column]:
    """The parameterized and the dedicated network's mean ± std of ``name``, side by side."""
    return [stat(f"{header} param.", name, digits, lambda r: r.param, f"param_{name}", f"{hepdata}, parameterized"),
            stat(f"{header} dedicated", name, digits, lambda r: r.dedicated, f"dedicated_{name}", f"{hepdata}, dedicated")]


COLUMNS = [
    key("m(H0) [GeV]", "mass", lambda r: r.mass, lambda r: f"{r.mass:g}"),
    key("held out", "held_out", lambda r: r.held_out, lambda r: "yes" if r.held_out else "no"),
    *_networks("AUC", "auc", 3, "AUC"),
    *_networks("Z binned", "z_binned", 2, "Expected significance, binned (pyhf, background MC stat.)"),
    *_networks("Z best cut", "z_best_threshold", 2, "Expected significance, best cut"),
]


def rows(records: list[MetricRecord], held_out: list[float]) -> list[Row]:
    return [Row(m, s, m in held_out) for m, s in by_mass(records).items()]


def parameterized_table(records: list[MetricRecord], title: str, held_out: list[float] = ()) -> Table:
    return Table(title, COLUMNS, rows(records, held_out))


def auc_vs_mass_figure(records: list[MetricRecord], title: str, held_out: list[float] = ()):
    from ..core.plotting import plt

    table = rows(records, held_out)
    fig, ax = plt.subplots(figsize=(9, 6.5))
    for name, marker in (("param", "o"), ("dedicated", "s")):
        points = [(r.mass, *getattr(r, name).stat("auc")) for r in table if getattr(r, name)]
        if points:
            m, auc, std = zip(*points)
            ax.errorbar(m, auc, yerr=std, marker=marker, capsize=3, ls="-" if name == "param" else ":",
                        label="parameterized (one network)" if name == "param" else "dedicated (one per mass)")
    for r in table:
        if r.held_out:
            ax.axvline(r.mass, color="grey", ls="--", alpha=0.5)
    ax.plot([], [], color="grey", ls="--", label="held out of the parameterized training")
    ax.set_xlabel(r"$m(H^0)$ [GeV]")
    ax.set_ylabel("test AUC (mean ± std over seeds)")
    ax.set_title(title, fontsize=14)
    ax.legend(fontsize=12)
    return fig
