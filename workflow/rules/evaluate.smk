# Evaluation: validation and test scores per model, then AUC / ROC / significance.


rule evaluate:
    conda:
        ENV
    input:
        model=model_path,
        val=f"{RESULTS}/data/{{dataset}}/{{source}}/split/val.root",
        test=f"{RESULTS}/data/{{dataset}}/{{source}}/split/test.root",
    output:
        f"{RESULTS}/scores/{{dataset}}/{{source}}/{{fset}}/{{model}}/seed{{seed}}.npz",
    log:
        f"{RESULTS}/logs/evaluate/{{dataset}}_{{source}}_{{fset}}_{{model}}_seed{{seed}}.log",
    shell:
        "python scripts/evaluate.py --model-file {input.model:q} --val {input.val:q} --test {input.test:q}"
        " --output {output:q} > {log:q} 2>&1"


rule metrics:
    conda:
        ENV
    input:
        f"{RESULTS}/scores/{{dataset}}/{{source}}/{{fset}}/{{model}}/seed{{seed}}.npz",
    output:
        f"{RESULTS}/metrics/{{dataset}}/{{source}}/{{fset}}/{{model}}/seed{{seed}}.json",
    params:
        significance=as_json(config["significance"]),
        tag=lambda w: as_json({"dataset": w.dataset, "source": w.source, "feature_set": w.fset,
                               "model": w.model, "seed": int(w.seed)}),
    log:
        f"{RESULTS}/logs/metrics/{{dataset}}_{{source}}_{{fset}}_{{model}}_seed{{seed}}.log",
    group:
        "metrics"
    shell:
        "python scripts/metrics.py --scores {input:q} --significance {params.significance:q}"
        " --tag {params.tag:q} --output {output:q} > {log:q} 2>&1"
