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
    params:
        title=lambda w: f"{w.dataset} ({w.source} events)",
    log:
        f"{RESULTS}/logs/tables_{{dataset}}_{{source}}.log",
    shell:
        "python scripts/tables.py --metrics {input:q} --title {params.title:q}"
        " --csv {output.csv:q} --markdown {output.md:q} --latex {output.tex:q} > {log:q} 2>&1"


rule plot_roc:
    conda:
        ENV
    input:
        lambda w: metric_files(w.dataset, w.source),
    output:
        png=report(f"{RESULTS}/plots/{{dataset}}_{{source}}_roc.png", caption="../report/roc.rst", category="ROC"),
        pdf=f"{RESULTS}/plots/{{dataset}}_{{source}}_roc.pdf",
    params:
        title=lambda w: f"{w.dataset} ({w.source})",
    log:
        f"{RESULTS}/logs/plot_roc_{{dataset}}_{{source}}.log",
    shell:
        "python scripts/plot_roc.py --metrics {input:q} --title {params.title:q}"
        " --outputs {output.png:q} {output.pdf:q} > {log:q} 2>&1"


rule manifest:
    """Provenance of every file of the run, from Snakemake's own record of the rule that made it."""
    conda:
        ENV
    input:
        targets=[t for t in all_targets() if not t.endswith("manifest.json")],
        stamps=list(source_checksums().values()),
    output:
        f"{RESULTS}/manifest.json",
    params:
        results=lambda w, output: os.path.dirname(output[0]),
        config=as_json(config),
        expected=as_json(expected_checksums()),
        stamps=as_json(source_checksums()),
    log:
        f"{RESULTS}/logs/manifest.log",
    shell:
        "python scripts/manifest.py --results {params.results:q} --config {params.config:q} --expected {params.expected:q}"
        " --stamps {params.stamps:q} --output {output:q} > {log:q} 2>&1"
