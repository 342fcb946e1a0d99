"""Published numbers of Baldi, Sadowski, Whiteson, Nature Commun. 5 (2014) 4308.

Only HIGGS (Table 1) is transcribed: AUC as (mean, sd) over 5 trainings and the
discovery significance for 100 signal and 1000 +- 50 background events. The
paper's shallow network is 'NN', its deep network 'DN'.
"""

HIGGS_AUC = {
    ("bdt", "low"): (0.73, 0.01), ("bdt", "high"): (0.78, 0.01), ("bdt", "complete"): (0.81, 0.01),
    ("shallow", "low"): (0.733, 0.007), ("shallow", "high"): (0.777, 0.001), ("shallow", "complete"): (0.816, 0.004),
    ("deep", "low"): (0.880, 0.001), ("deep", "high"): (0.800, 0.0), ("deep", "complete"): (0.885, 0.002),
}

HIGGS_SIGNIFICANCE = {
    ("shallow", "low"): 2.5, ("shallow", "high"): 3.1, ("shallow", "complete"): 3.7,
    ("deep", "low"): 4.9, ("deep", "high"): 3.6, ("deep", "complete"): 5.0,
}


def paper_values(dataset: str, model: str, feature_set: str) -> dict:
    """The paper's AUC (mean, sd) and significance for a cell, None where not published here."""
    if dataset != "higgs":
        return {"auc": None, "auc_sd": None, "z": None}
    auc = HIGGS_AUC.get((model, feature_set))
    return {"auc": auc[0] if auc else None, "auc_sd": auc[1] if auc else None,
            "z": HIGGS_SIGNIFICANCE.get((model, feature_set))}
