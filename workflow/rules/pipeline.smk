# The steps every study shares, one job per cell (a study's dataset, feature set, model and task):
# train every seed, then score every seed's model and compute its metrics. Each seed has its own
# files; a cell's seeds run in one job (one process start, and one vectorised ensemble where the
# model allows it).
MODELS = f"{RESULTS}/models/{CELL}/seed{{seed}}.model"
HISTORIES = f"{RESULTS}/models/{CELL}/seed{{seed}}.history.json"
ONNX = f"{RESULTS}/models/{CELL}/seed{{seed}}.onnx"
SCORES = f"{RESULTS}/scores/{CELL}/{{evaluation}}/seed{{seed}}.npz"
METRICS = f"{RESULTS}/metrics/{CELL}/{{evaluation}}/seed{{seed}}.json"
ENSEMBLE_SCORES = f"{RESULTS}/scores/{CELL}/{{evaluation}}/ensemble.npz"
ENSEMBLE_METRICS = f"{RESULTS}/metrics/{CELL}/{{evaluation}}/ensemble.json"
LOG = "{study}_{dataset}_{source}_{fset}_{model}_{task}"


rule train:
    """BDTs and single observables: every seed's model and history."""
    message:
        job_message("train {wildcards.study}: {wildcards.dataset} ({wildcards.source}), {wildcards.fset} features,"
                    " {wildcards.model}, {wildcards.task}; seeds {SEEDS} (tail -f {log})")
    priority: long_pole_first
    conda:
        ENV
    wildcard_constraints:
        model=OTHER_MODELS,
    input:
        train=lambda w: part_file(w.dataset, w.source, "train"),
        val=lambda w: part_file(w.dataset, w.source, "val"),
        code=code("scripts/train.py"),
    output:
        models=expand(MODELS, seed=SEEDS, allow_missing=True),
        histories=expand(HISTORIES, seed=SEEDS, allow_missing=True),
    params:
        spec=lambda w: spec_json(spec(w)),
        task_config=lambda w: as_json(studies.task_config(config, cell_of(w))),
        ensemble="--ensemble" if config["training"]["ensemble"] else "--no-ensemble",
        resident_gb=config["training"]["resident_gb"],
        cuda_graph="--cuda-graph" if config["training"]["cuda_graph"] else "--no-cuda-graph",
        export_onnx=lambda w: "--export-onnx" if spec(w).is_network else "--no-export-onnx",
    log:
        f"{RESULTS}/logs/train/{LOG}.log",
    benchmark:
        f"{RESULTS}/benchmarks/train/{LOG}.tsv"
    threads: config["threads"]["train"]
    resources:
        mem_mb=4000,
        runtime=120,
        gpu=lambda w: 1 if spec(w).is_network else 0,
        request_gpus=lambda w: 1 if spec(w).is_network else 0,
    shell:
        "python scripts/train.py --dataset {wildcards.dataset} --feature-set {wildcards.fset} --spec {params.spec:q}"
        " --task {wildcards.task} --task-config {params.task_config:q} --train {input.train:q} --val {input.val:q}"
        " --threads {threads} {params.ensemble:q} {params.cuda_graph:q} --resident-gb {params.resident_gb}"
        " --models {output.models:q} --histories {output.histories:q} {params.export_onnx:q} > {log:q} 2>&1"


use rule train as train_network with:
    wildcard_constraints:
        model=NETWORK_MODELS,
        study=UNSTACKED_STUDIES,
    output:
        models=expand(MODELS, seed=SEEDS, allow_missing=True),
        histories=expand(HISTORIES, seed=SEEDS, allow_missing=True),
        onnx=expand(ONNX, seed=SEEDS, allow_missing=True),


# training.stack_feature_sets: the network cells of every feature set of one sample, model and
# task in one job, as one vectorised stack (one rule per study: its feature sets are the outputs).
for _study, _fsets in STACKED.items():

    rule:
        name:
            f"train_network_{_study}"
        message:
            job_message(f"train {_study}: {{wildcards.dataset}} ({{wildcards.source}}), the feature sets {' '.join(_fsets)}"
                        " as one stack, {wildcards.model}, {wildcards.task}; seeds {SEEDS} (tail -f {log})")
        conda:
            ENV
        wildcard_constraints:
            model="|".join(studies.stacked_network_models(config)),
        input:
            train=lambda w: part_file(w.dataset, w.source, "train"),
            val=lambda w: part_file(w.dataset, w.source, "val"),
            code=code("scripts/train.py"),
        output:
            models=expand(f"{RESULTS}/models/{_study}/{{dataset}}/{{source}}/{{fset}}/{{model}}/{{task}}/seed{{seed}}.model",
                          fset=_fsets, seed=SEEDS, allow_missing=True),
            histories=expand(f"{RESULTS}/models/{_study}/{{dataset}}/{{source}}/{{fset}}/{{model}}/{{task}}/seed{{seed}}.history.json",
                             fset=_fsets, seed=SEEDS, allow_missing=True),
            onnx=expand(f"{RESULTS}/models/{_study}/{{dataset}}/{{source}}/{{fset}}/{{model}}/{{task}}/seed{{seed}}.onnx",
                        fset=_fsets, seed=SEEDS, allow_missing=True),
        params:
            fsets=_fsets,
            spec=stack_param(_study, _fsets[0], lambda spec, cell: spec_json(spec)),
            task_config=stack_param(_study, _fsets[0], lambda spec, cell: as_json(studies.task_config(config, cell))),
            ensemble="--ensemble",
            resident_gb=config["training"]["resident_gb"],
            cuda_graph="--cuda-graph" if config["training"]["cuda_graph"] else "--no-cuda-graph",
        log:
            f"{RESULTS}/logs/train/{_study}_{{dataset}}_{{source}}_stack_{{model}}_{{task}}.log",
        benchmark:
            f"{RESULTS}/benchmarks/train/{_study}_{{dataset}}_{{source}}_stack_{{model}}_{{task}}.tsv"
        threads: config["threads"]["train"]
        resources:
            mem_mb=4000,
            runtime=120,
            gpu=1,
            request_gpus=1,
        shell:
            "python scripts/train.py --dataset {wildcards.dataset} --feature-set {params.fsets:q} --spec {params.spec:q}"
            " --task {wildcards.task} --task-config {params.task_config:q} --train {input.train:q} --val {input.val:q}"
            " --threads {threads} {params.ensemble:q} {params.cuda_graph:q}"
            " --resident-gb {params.resident_gb}"
            " --models {output.models:q} --histories {output.histories:q} --export-onnx > {log:q} 2>&1"


rule score:
    """Every seed's validation and test scores, and from them its metric record (AUC, ROC,
    significances); the same for the seed ensemble (the mean of the seeds' scores, with their
    spread per event): one process per cell and evaluation."""
    message:
        job_message("score {wildcards.study}: {wildcards.dataset} ({wildcards.source}), {wildcards.fset} features,"
                    " {wildcards.model}, {wildcards.task} on {wildcards.evaluation}; seeds {SEEDS}")
    conda:
        ENV
    input:
        models=lambda w: model_files(cell_of(w)),
        histories=expand(HISTORIES, seed=SEEDS, allow_missing=True),
        val=lambda w: part_file(w.dataset, w.source, "val"),
        test=lambda w: part_file(w.dataset, w.evaluation if is_alt(w.evaluation) else w.source, "test"),
        code=code("scripts/score.py"),
    output:
        scores=expand(SCORES, seed=SEEDS, allow_missing=True),
        metrics=expand(METRICS, seed=SEEDS, allow_missing=True),
        ensemble_scores=ENSEMBLE_SCORES,
        ensemble_metrics=ENSEMBLE_METRICS,
    params:
        cell=lambda w: as_json(vars(cell_of(w, w.evaluation))),
        significance=lambda w: as_json(studies.significance_config(config, cell_of(w))),
    log:
        f"{RESULTS}/logs/score/{LOG}_{{evaluation}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/score/{LOG}_{{evaluation}}.tsv"
    shell:
        "python scripts/score.py --dataset {wildcards.dataset} --feature-set {wildcards.fset} --models {input.models:q}"
        " --val {input.val:q} --test {input.test:q} --evaluation {wildcards.evaluation} --scores {output.scores:q}"
        " --cell {params.cell:q} --histories {input.histories:q}"
        " --significance {params.significance:q} --metrics {output.metrics:q}"
        " --ensemble-scores {output.ensemble_scores:q} --ensemble-metrics {output.ensemble_metrics:q} > {log:q} 2>&1"
