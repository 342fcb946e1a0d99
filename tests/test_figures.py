"""Every figure a run makes is readable: each panel has data, a labelled x and y axis and a title
(the run's own figure, or its panel's), rendered from records and samples made here."""

import numpy as np
import pytest

from hepml.core.records import Cell, MetricRecord, Roc


def assert_readable(fig) -> None:
    """Each visible panel: something drawn, both axes labelled, a title on it or on the figure."""
    panels = [ax for ax in fig.axes if ax.axison and ax.get_label() != "<colorbar>"]
    assert panels
    suptitle = fig._suptitle.get_text() if fig._suptitle else ""
    for ax in panels:
        drawn = ax.lines + ax.patches + ax.collections + ax.images + ax.containers
        assert drawn, ax
        twins = ax.get_shared_x_axes().get_siblings(ax)   # a right-hand axis shares its panel's x axis and title
        xlabel = next((t.get_xlabel() for t in twins if t.get_xlabel().strip()), "")
        title = next((t.get_title() for t in twins if t.get_title().strip()), "")
        assert xlabel and ax.get_ylabel().strip(), (title, xlabel, ax.get_ylabel())
        assert title or suptitle.strip(), ax
    fig.canvas.draw()   # renders without error


def _records(study, dataset, cells, seeds=(0, 1, 2), **fields):
    rng = np.random.default_rng(0)
    eff = np.linspace(0, 1, 50)
    return [MetricRecord(cell, seed, 0.7 + 0.02 * rng.random(), 1000, 500, 5.0 + seed,
                         Roc(eff.tolist(), (eff ** (1.5 + rng.random())).tolist()), train_events=2000, **fields)
            for cell in cells for seed in seeds]


Z = {"z_binned": 2.0, "z_paper": 2.2, "z_best_threshold": 1.8, "best_threshold": 0.5}
STUDY_RECORDS = {
    "benchmark": lambda: _records("benchmark", "higgs", [Cell("benchmark", "higgs", "pythia", f, m, "all")
                                                         for f in ("low", "complete") for m in ("bdt", "deep")], **Z),
    "learning_curve": lambda: _records("learning_curve", "higgs", [
        Cell("learning_curve", "higgs", "pythia", "low", m, t) for m in ("bdt", "deep") for t in ("n500", "all")], **Z),
    "jets": lambda: _records("jets", "qg", [Cell("jets", "qg", "pythia", f, m, "all")
                                            for f, m in (("images", "cnn"), ("observables", "mass"))]),
    "weak": lambda: _records("weak", "qg", [Cell("weak", "qg", "pythia", "observables", "dense", t)
                                            for t in ("supervised", "cwola_0.8_0.2", "llp_0.7_0.3")]),
    "parameterized": lambda: _records("parameterized", "hpar", [
        Cell("parameterized", "hpar", "pythia", f, m, t, e) for e in ("m375", "m425")
        for f, m, t in (("complete_mass", "param", "param"), ("complete", "dedicated", e))], **Z),
    "mismodelling": lambda: _records("mismodelling", "qg", [
        c for v in ("alt_0.15", "alt_0.2") for c in (
            Cell("weak", "qg", "pythia", "observables", "dense", "supervised", v),
            Cell("jets", "qg", "pythia", "images", "cnn", "all", v),
            Cell("weak", "qg", v, "observables", "dense", "cwola_0.8_0.2"),
            Cell("weak", "qg", v, "observables", "dense", "supervised"))]),
}


@pytest.mark.parametrize("study", sorted(STUDY_RECORDS))
def test_every_study_figure_is_readable(study):
    from hepml.core.plotting import plt
    from hepml.pipeline.reports import study_figure

    dataset = {"jets": "qg", "weak": "qg", "parameterized": "hpar"}.get(study, "higgs")
    fig = study_figure(study, dataset, "pythia", STUDY_RECORDS[study](), context={"held_out": [425.0], "parameter": "TimeShower:alphaSvalue", "nominal": None})
    assert_readable(fig)
    plt.close(fig)


def test_the_feature_figures_are_readable_with_units(tmp_path):
    from hepml.core.datasets import columns
    from hepml.core.plotting import plt
    from hepml.core.store import write_events
    from hepml.pipeline.reports import features_figure

    rng = np.random.default_rng(1)
    data = {c: rng.normal(size=200).astype(np.float32) for c in columns("susy")}
    data["label"] = rng.integers(0, 2, 200).astype(np.int32)
    write_events(tmp_path / "s.root", data)
    fig = features_figure("susy", "pythia", tmp_path / "s.root", 0.4)
    assert_readable(fig)
    labels = {ax.get_xlabel() for ax in fig.axes if ax.axison}
    assert {"lepton1_pt [GeV]", "lepton1_phi [rad]", "lepton1_eta", "mt2 [GeV]", "r"} <= labels
    plt.close(fig)
    images = rng.random((40, 1, 9, 9)).astype(np.float32)
    np.savez(tmp_path / "j.npz", images=images, labels=np.repeat([0, 1], 20))
    fig = features_figure("qg", "pythia", tmp_path / "j.npz", 0.4)
    assert_readable(fig)
    plt.close(fig)


def test_the_training_curves_are_readable_for_networks_bdts_and_llp():
    from hepml.core.plotting import plt
    from hepml.pipeline.training_curves import training_figure

    def network(seed, auc=True):
        rng = np.random.default_rng(seed)
        return {"best_epoch": 3, "epochs": [{"epoch": e, "train_loss": 0.7 - 0.02 * e, "val_loss": 0.69 - 0.01 * e,
                                             "val_auc": 0.6 + 0.01 * e + 0.01 * rng.random() if auc else float("nan")}
                                            for e in range(6)]}

    bdt = {"best_iteration": 7, "val_logloss": list(np.linspace(0.69, 0.5, 10)), "val_auc": list(np.linspace(0.6, 0.8, 10))}
    observable = {"column": "obs_mass"}   # not trained: no panel
    fig = training_figure({"deep / low": [network(0), network(1)], "bdt / low": [bdt],
                           "dense / observables / llp_0.8_0.2": [network(2, auc=False)], "mass / observables": [observable]},
                          "Training curves: test")
    assert_readable(fig)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == ["deep / low (2 seeds)", "bdt / low (1 seeds)", "dense / observables / llp_0.8_0.2 (1 seeds)"]
    assert {ax.get_xlabel() for ax in fig.axes if ax.get_xlabel()} == {"epoch", "boosting round"}
    assert sum(ax.get_ylabel() == "validation AUC" for ax in fig.axes) == 2   # none for LLP
    plt.close(fig)
    with pytest.raises(ValueError, match="no trained cell"):
        training_figure({"mass / observables": [observable]}, "T")
