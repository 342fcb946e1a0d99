# Training: xgboost BDT and PyTorch networks, one job per (dataset, feature set, model, seed).


rule train_bdt:
    conda:
        ENV
    input:
        train=f"{RESULTS}/data/{{dataset}}/{{source}}/split/train.root",
        val=f"{RESULTS}/data/{{dataset}}/{{source}}/split/val.root",
    output:
        model=f"{RESULTS}/models/{{dataset}}/{{source}}/{{fset}}/bdt/seed{{seed}}.json",
        history=f"{RESULTS}/models/{{dataset}}/{{source}}/{{fset}}/bdt/seed{{seed}}.history.json",
    params:
        model_config=as_json(config["bdt"]),
    log:
        f"{RESULTS}/logs/train/{{dataset}}_{{source}}_{{fset}}_bdt_seed{{seed}}.log",
    threads: config["threads"]["train"]
    resources:
        mem_mb=4000,
        runtime=60,
    shell:
        "python scripts/train.py --dataset {wildcards.dataset} --feature-set {wildcards.fset} --model bdt"
        " --model-config {params.model_config:q} --train {input.train:q} --val {input.val:q}"
        " --seed {wildcards.seed} --threads {threads} --output {output.model:q} --history {output.history:q}"
        " > {log:q} 2>&1"


rule train_nn:
    conda:
        ENV
    wildcard_constraints:
        model="|".join(NETWORKS) or "no-network",
    input:
        train=f"{RESULTS}/data/{{dataset}}/{{source}}/split/train.root",
        val=f"{RESULTS}/data/{{dataset}}/{{source}}/split/val.root",
    output:
        model=f"{RESULTS}/models/{{dataset}}/{{source}}/{{fset}}/{{model}}/seed{{seed}}.pt",
        history=f"{RESULTS}/models/{{dataset}}/{{source}}/{{fset}}/{{model}}/seed{{seed}}.history.json",
    params:
        model_config=lambda w: as_json(network_config(w)),
    log:
        f"{RESULTS}/logs/train/{{dataset}}_{{source}}_{{fset}}_{{model}}_seed{{seed}}.log",
    threads: config["threads"]["train"]
    resources:
        mem_mb=4000,
        runtime=120,
        gpu=1,
    shell:
        "python scripts/train.py --dataset {wildcards.dataset} --feature-set {wildcards.fset} --model {wildcards.model}"
        " --model-config {params.model_config:q} --train {input.train:q} --val {input.val:q}"
        " --seed {wildcards.seed} --threads {threads} --output {output.model:q} --history {output.history:q}"
        " > {log:q} 2>&1"
