# UCI data: download (resumable, verified), convert once to the store, split as the authors did.


rule download_uci:
    conda:
        ENV
    output:
        protected(f"{config['uci']['dir']}/{{name}}"),
    params:
        mirrors=lambda w: as_json(uci_entry(w.name)["mirrors"]),
        sha256=lambda w: uci_entry(w.name)["sha256"],
        retries=config["uci"].get("retries", 5),
        timeout=config["uci"].get("timeout", 60),
    log:
        f"{config['uci']['dir']}/logs/download_{{name}}.log",
    resources:
        runtime=240,
    shell:
        "python scripts/download.py --mirrors {params.mirrors} --sha256 {params.sha256}"
        " --retries {params.retries} --timeout {params.timeout} --output {output} 2> {log}"


rule convert_uci:
    conda:
        ENV
    input:
        lambda w: f"{config['uci']['dir']}/{config['uci']['files'][w.dataset]['name']}",
    output:
        f"{RESULTS}/data/{{dataset}}/uci/events.root",
    log:
        f"{RESULTS}/logs/convert_{{dataset}}.log",
    threads: 2
    resources:
        mem_mb=4000,
    shell:
        "python scripts/convert.py --input {input} --output {output} --dataset {wildcards.dataset} 2> {log}"


rule split:
    conda:
        ENV
    input:
        f"{RESULTS}/data/{{dataset}}/{{source}}/events.root",
    output:
        train=f"{RESULTS}/data/{{dataset}}/{{source}}/split/train.root",
        val=f"{RESULTS}/data/{{dataset}}/{{source}}/split/val.root",
        test=f"{RESULTS}/data/{{dataset}}/{{source}}/split/test.root",
    params:
        sizes=lambda w: as_json(split_sizes(w)),
        limits=as_json(config.get("limits", {})),
    log:
        f"{RESULTS}/logs/split_{{dataset}}_{{source}}.log",
    shell:
        "python scripts/split.py --input {input} --sizes {params.sizes} --limits {params.limits}"
        " --train {output.train} --val {output.val} --test {output.test} > {log} 2>&1"
