"""The parameterized study's outputs: per mass point, the parameterized network against the
dedicated network of that mass (AUC and both significances, mean ± std over seeds), and the
AUC against the mass with the held-out points marked."""

from __future__ import annotations

from ..core.records import MetricRecord
from ..core.tables import Column, Summary, pm, summarise, write_tables
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


def _stat(s: Summary | None, name: str, digits: int) -> str:
    return "—" if s is None else pm(s.stat(name), digits)


COLUMNS = [
    Column("m(H0) [GeV]", lambda r: f"{r.mass:g}"),
    Column("held out", lambda r: "yes" if r.held_out else "no"),
    Column("AUC param.", lambda r: _stat(r.param, "auc", 3)),
    Column("AUC dedicated", lambda r: _stat(r.dedicated, "auc", 3)),
    Column("Z binned param.", lambda r: _stat(r.param, "z_binned", 2)),
    Column("Z binned dedicated", lambda r: _stat(r.dedicated, "z_binned", 2)),
    Column("Z best cut param.", lambda r: _stat(r.param, "z_best_threshold", 2)),
    Column("Z best cut dedicated", lambda r: _stat(r.dedicated, "z_best_threshold", 2)),
]


def rows(records: list[MetricRecord], held_out: list[float]) -> list[Row]:
    return [Row(m, s, m in held_out) for m, s in by_mass(records).items()]


def write_parameterized_tables(records: list[MetricRecord], title: str, csv_path, md_path, tex_path,
                               held_out: list[float] = ()) -> None:
    table = rows(records, held_out)
    csv = []
    for r in table:
        row = {"mass": r.mass, "held_out": r.held_out}
        for name, s in (("param", r.param), ("dedicated", r.dedicated)):
            for key in ("auc", "z_binned", "z_best_threshold"):
                row[f"{name}_{key}"], row[f"{name}_{key}_std"] = s.stat(key) if s else (None, None)
        csv.append(row)
    write_tables(title, COLUMNS, table, csv, csv_path, md_path, tex_path)


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
