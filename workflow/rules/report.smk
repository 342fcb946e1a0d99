# Tables, ROC plots and the provenance manifest of the run.


rule tables:
    conda:
        ENV
    input:
        lambda w: metric_files(w.dataset, w.source),
    output:
        csv=report(f"{RESULTS}/tables/{{dataset}}_{{source}}.csv", caption="../report/table.rst", category="Tables"),
        md=f"{RESULTS}/tables/{{dataset}}_{{source}}.md",
        tex=f"{RESULTS}/tables/{{dataset}}_{{source}}.tex",
    log:
        f"{RESULTS}/logs/tables_{{dataset}}_{{source}}.log",
    shell:
        "python scripts/tables.py --metrics {input} --title '{wildcards.dataset} ({wildcards.source} events)'"
        " --csv {output.csv} --markdown {output.md} --latex {output.tex} 2> {log}"


rule plot_roc:
    conda:
        ENV
    input:
        lambda w: metric_files(w.dataset, w.source),
    output:
        png=report(f"{RESULTS}/plots/{{dataset}}_{{source}}_roc.png", caption="../report/roc.rst", category="ROC"),
        pdf=f"{RESULTS}/plots/{{dataset}}_{{source}}_roc.pdf",
    log:
        f"{RESULTS}/logs/plot_roc_{{dataset}}_{{source}}.log",
    shell:
        "python scripts/plot_roc.py --metrics {input} --title '{wildcards.dataset} ({wildcards.source})'"
        " --outputs {output.png} {output.pdf} 2> {log}"


rule manifest:
    conda:
        ENV
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
        "python scripts/manifest.py --artifacts {params.artifacts} --config {params.config}"
        " --inputs {params.inputs} --output {output} 2> {log}"
