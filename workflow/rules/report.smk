# Tables, ROC plots and the provenance manifest of the run.


rule tables:
    input:
        lambda w: metric_files(w.dataset, w.source),
    output:
        csv=report(f"{RESULTS}/tables/{{dataset}}_{{source}}.csv", caption="../report/table.rst", category="Tables"),
        md=f"{RESULTS}/tables/{{dataset}}_{{source}}.md",
        tex=f"{RESULTS}/tables/{{dataset}}_{{source}}.tex",
    log:
        f"{RESULTS}/logs/tables_{{dataset}}_{{source}}.log",
    shell:
        "{PY} scripts/tables.py --metrics {input} --title '{wildcards.dataset} ({wildcards.source} events)'"
        " --csv {output.csv} --markdown {output.md} --latex {output.tex} 2> {log}"


rule plot_roc:
    input:
        lambda w: metric_files(w.dataset, w.source),
    output:
        png=report(f"{RESULTS}/plots/{{dataset}}_{{source}}_roc.png", caption="../report/roc.rst", category="ROC"),
        pdf=f"{RESULTS}/plots/{{dataset}}_{{source}}_roc.pdf",
    log:
        f"{RESULTS}/logs/plot_roc_{{dataset}}_{{source}}.log",
    shell:
        "{PY} scripts/plot_roc.py --metrics {input} --title '{wildcards.dataset} ({wildcards.source})'"
        " --outputs {output.png} {output.pdf} 2> {log}"


def manifest_artifacts():
    """Every artifact of the run, by the rule that makes it."""
    out = {"report": report_files()}
    for d in config["datasets"]:
        out.setdefault("metrics", []).extend(metric_files(d, SOURCE))
        out.setdefault("evaluate", []).extend(score_files(d, SOURCE))
        for f, m, s in runs(d, SOURCE):
            rule_name = "train_bdt" if m == "bdt" else "train_nn"
            base = f"{RESULTS}/models/{d}/{SOURCE}/{f}/{m}/seed{s}"
            out.setdefault(rule_name, []).extend([f"{base}.{model_ext(m)}", f"{base}.history.json"])
        out.setdefault("split", []).extend(f"{RESULTS}/data/{d}/{SOURCE}/split/{p}.root" for p in ("train", "val", "test"))
        out.setdefault("merge_shards" if SOURCE == "pythia" else "convert_uci", []).append(
            f"{RESULTS}/data/{d}/{SOURCE}/events.root")
    return out


def source_inputs():
    if SOURCE == "uci":
        return [f"{config['uci']['dir']}/{config['uci']['files'][d]['name']}" for d in config["datasets"]]
    return [config["generation"]["susy"]["slha"]] if "susy" in config["datasets"] else []


rule manifest:
    input:
        [f for files in manifest_artifacts().values() for f in files],
    output:
        f"{RESULTS}/manifest.json",
    params:
        artifacts=as_json(manifest_artifacts()),
        config=as_json(config),
        inputs=source_inputs(),
    log:
        f"{RESULTS}/logs/manifest.log",
    shell:
        "{PY} scripts/manifest.py --artifacts {params.artifacts} --config {params.config}"
        " --inputs {params.inputs} --output {output} 2> {log}"
