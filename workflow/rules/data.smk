# Source data: download (resumable, verified), verify once (stamp), convert once to the store, split.


rule download:
    """A UCI or EnergyFlow file from its mirrors, checked against its SHA-256 before it is renamed into place."""
    conda:
        ENV
    output:
        protected("{datadir}/{name}"),
    wildcard_constraints:
        datadir=DATA_DIRS,
        name=r"[A-Za-z0-9][A-Za-z0-9_-]*\.(csv\.gz|npz)",
    params:
        mirrors=lambda w: as_json(download_entry(w)["mirrors"]),
        sha256=lambda w: download_entry(w)["sha256"],
        retries=config["uci"]["retries"],
        timeout=config["uci"]["timeout"],
    log:
        "{datadir}/logs/download_{name}.log",
    resources:
        runtime=240,
    shell:
        "python scripts/download.py --mirrors {params.mirrors:q} --sha256 {params.sha256:q}"
        " --retries {params.retries} --timeout {params.timeout} --output {output:q} > {log:q} 2>&1"


rule verify_download:
    """SHA-256 of a source file compared with the config, streamed once; the stamp records it, so a
    file placed by hand is checked too and an unchanged file is not hashed again."""
    conda:
        ENV
    input:
        "{datadir}/{name}",
    output:
        "{datadir}/.{name}.sha256",
    wildcard_constraints:
        datadir=DATA_DIRS,
        name=r"[A-Za-z0-9][A-Za-z0-9_-]*\.(csv\.gz|npz)",
    params:
        sha256=lambda w: download_entry(w)["sha256"],
    log:
        "{datadir}/logs/verify_{name}.log",
    shell:
        "python scripts/verify.py --input {input:q} --sha256 {params.sha256:q} --stamp {output:q} > {log:q} 2>&1"


rule convert_uci:
    conda:
        ENV
    input:
        data=lambda w: f"{UCI_DIR}/{config['uci']['files'][w.dataset]['name']}",
        verified=lambda w: f"{UCI_DIR}/.{config['uci']['files'][w.dataset]['name']}.sha256",
    output:
        f"{RESULTS}/data/{{dataset}}/uci/events.root",
    log:
        f"{RESULTS}/logs/convert_{{dataset}}.log",
    threads: 2
    resources:
        mem_mb=4000,
    shell:
        "python scripts/convert.py --input {input.data:q} --output {output:q} --dataset {wildcards.dataset}"
        " > {log:q} 2>&1"


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
        limits=as_json(config["limits"]),
    log:
        f"{RESULTS}/logs/split_{{dataset}}_{{source}}.log",
    shell:
        "python scripts/split.py --input {input:q} --sizes {params.sizes:q} --limits {params.limits:q}"
        " --train {output.train:q} --val {output.val:q} --test {output.test:q} > {log:q} 2>&1"
