# Offline events: Pythia 8 + FastJet + parametric detector, sharded, then merged and shuffled;
# the generation records and the validation report against generator truth.


rule generate_shard:
    conda:
        ENV
    input:
        slha=lambda w: config["generation"]["susy"]["slha"] if (w.dataset, w.process) == ("susy", "signal") else [],
    output:
        events=f"{RESULTS}/data/{{dataset}}/pythia/shards/{{process}}_{{shard}}.root",
        record=f"{RESULTS}/data/{{dataset}}/pythia/shards/{{process}}_{{shard}}.json",
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
        " --generation {params.generation:q} --detector {params.detector:q}"
        " --output {output.events:q} --record {output.record:q} > {log:q} 2>&1"


rule merge_shards:
    conda:
        ENV
    input:
        events=lambda w: [
            f"{RESULTS}/data/{w.dataset}/pythia/shards/{p}_{i}.root"
            for p in ("signal", "background")
            for i in range(config["generation"]["shards"])
        ],
        records=lambda w: shard_records(w.dataset),
    output:
        events=f"{RESULTS}/data/{{dataset}}/pythia/events.root",
        record=f"{RESULTS}/data/{{dataset}}/pythia/generation.json",
    params:
        seed=config["generation"]["seed"],
    log:
        f"{RESULTS}/logs/merge_{{dataset}}.log",
    shell:
        "python scripts/merge.py --inputs {input.events:q} --records {input.records:q} --seed {params.seed}"
        " --output {output.events:q} --record {output.record:q} > {log:q} 2>&1"


rule validate_generation:
    """Reconstructed masses against generator truth, object resolutions and b-tag efficiencies."""
    conda:
        ENV
    input:
        shards=lambda w: [
            f"{RESULTS}/data/{w.dataset}/pythia/shards/{p}_{i}.root"
            for p in ("signal", "background")
            for i in range(config["generation"]["shards"])
        ],
        record=f"{RESULTS}/data/{{dataset}}/pythia/generation.json",
    output:
        md=f"{RESULTS}/validation/{{dataset}}.md",
        json=f"{RESULTS}/validation/{{dataset}}.json",
        png=f"{RESULTS}/validation/{{dataset}}.png",
        pdf=f"{RESULTS}/validation/{{dataset}}.pdf",
    params:
        detector=as_json(config["detector"]),
    log:
        f"{RESULTS}/logs/validate_{{dataset}}.log",
    shell:
        "python scripts/validate.py --dataset {wildcards.dataset} --shards {input.shards:q} --record {input.record:q}"
        " --detector {params.detector:q} --markdown {output.md:q} --json {output.json:q}"
        " --plots {output.png:q} {output.pdf:q} > {log:q} 2>&1"


rule plot_features:
    conda:
        ENV
    input:
        f"{RESULTS}/data/{{dataset}}/{{source}}/events.root",
    output:
        png=f"{RESULTS}/plots/{{dataset}}_{{source}}_features.png",
        pdf=f"{RESULTS}/plots/{{dataset}}_{{source}}_features.pdf",
    params:
        title=lambda w: f"{w.dataset} ({w.source})",
    log:
        f"{RESULTS}/logs/plot_features_{{dataset}}_{{source}}.log",
    shell:
        "python scripts/plot_features.py --input {input:q} --dataset {wildcards.dataset}"
        " --title {params.title:q} --outputs {output.png:q} {output.pdf:q} > {log:q} 2>&1"
