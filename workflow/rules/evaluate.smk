# Evaluation: test-set scores per model, then AUC / ROC / significance per dataset.


rule evaluate:
    conda:
        ENV
    input:
        model=model_path,
        test=f"{RESULTS}/data/{{dataset}}/{{source}}/split/test.root",
    output:
        f"{RESULTS}/scores/{{dataset}}/{{source}}/{{fset}}/{{model}}/seed{{seed}}.npz",
    log:
        f"{RESULTS}/logs/evaluate/{{dataset}}_{{source}}_{{fset}}_{{model}}_seed{{seed}}.log",
    shell:
        "python scripts/evaluate.py --model-file {input.model} --test {input.test} --output {output} 2> {log}"


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
        "python scripts/metrics.py --scores {input} --significance {params.significance}"
        " --tag {params.tag} --output {output} 2> {log}"
