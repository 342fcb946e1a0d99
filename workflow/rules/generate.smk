# Offline events: Pythia 8 + FastJet + parametric detector, sharded, then merged and shuffled.


rule generate_shard:
    conda:
        ENV
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
        "python scripts/generate.py --dataset {wildcards.dataset} --process {wildcards.process}"
        " --shard {wildcards.shard} --events {params.events} --seed {params.seed}"
        " --generation {params.generation} --detector {params.detector} --output {output} 2> {log}"


rule merge_shards:
    conda:
        ENV
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
        "python scripts/merge.py --inputs {input} --output {output} --seed {params.seed} > {log} 2>&1"


rule plot_features:
    conda:
        ENV
    input:
        f"{RESULTS}/data/{{dataset}}/{{source}}/events.root",
    output:
        png=f"{RESULTS}/plots/{{dataset}}_{{source}}_features.png",
        pdf=f"{RESULTS}/plots/{{dataset}}_{{source}}_features.pdf",
    log:
        f"{RESULTS}/logs/plot_features_{{dataset}}_{{source}}.log",
    shell:
        "python scripts/plot_features.py --input {input} --dataset {wildcards.dataset}"
        " --title '{wildcards.dataset} ({wildcards.source})' --outputs {output.png} {output.pdf} 2> {log}"
