# Offline events: Pythia 8 + FastJet + parametric detector, sharded, then merged and shuffled.


def generation_params(w):
    """Only what this process depends on, so changing e.g. the Higgs masses regenerates only the signal."""
    gen = config["generation"]
    out = {"sqrt_s": gen["sqrt_s"]}
    if w.dataset == "higgs" and w.process == "signal":
        out["higgs"] = gen["higgs"]
    if w.dataset == "susy" and w.process == "signal":
        out["susy"] = gen["susy"]
    return out


rule generate_shard:
    input:
        slha=lambda w: config["generation"]["susy"]["slha"] if (w.dataset, w.process) == ("susy", "signal") else [],
    output:
        f"{RESULTS}/data/{{dataset}}/pythia/shards/{{process}}_{{shard}}.root",
    params:
        events=lambda w: config["generation"]["events_per_shard"][w.dataset][w.process],
        generation=lambda w: as_json(generation_params(w)),
        detector=as_json(config["detector"]),
        seed=config["generation"]["seed"],
    log:
        f"{RESULTS}/logs/generate_{{dataset}}_{{process}}_{{shard}}.log",
    resources:
        mem_mb=2000,
        runtime=120,
    shell:
        "{PY} scripts/generate.py --dataset {wildcards.dataset} --process {wildcards.process}"
        " --shard {wildcards.shard} --events {params.events} --seed {params.seed}"
        " --generation {params.generation} --detector {params.detector} --output {output} 2> {log}"


rule merge_shards:
    input:
        lambda w: [
            f"{RESULTS}/data/{w.dataset}/pythia/shards/{p}_{i}.root"
            for p in ("signal", "background")
            for i in range(config["generation"]["shards"])
        ],
    output:
        f"{RESULTS}/data/{{dataset}}/pythia/events.root",
    params:
        seed=config["generation"]["seed"],
    log:
        f"{RESULTS}/logs/merge_{{dataset}}.log",
    shell:
        "{PY} scripts/merge.py --inputs {input} --output {output} --seed {params.seed} > {log} 2>&1"


rule plot_features:
    input:
        f"{RESULTS}/data/{{dataset}}/{{source}}/events.root",
    output:
        png=f"{RESULTS}/plots/{{dataset}}_{{source}}_features.png",
        pdf=f"{RESULTS}/plots/{{dataset}}_{{source}}_features.pdf",
    log:
        f"{RESULTS}/logs/plot_features_{{dataset}}_{{source}}.log",
    shell:
        "{PY} scripts/plot_features.py --input {input} --dataset {wildcards.dataset}"
        " --title '{wildcards.dataset} ({wildcards.source})' --outputs {output.png} {output.pdf} 2> {log}"
