# Samples: download and verify source files, convert them, or generate and merge shards; split;
# the jet features (images and observables) of the quark/gluon splits.


rule download:
    """A UCI or EnergyFlow file from its mirrors, checked against its SHA-256 before it is renamed into place."""
    message:
        job_message("download {wildcards.name} into {wildcards.datadir}/ (checked against its SHA-256)")
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
        max_bytes=config["uci"]["max_bytes"],
    log:
        "{datadir}/logs/download_{name}.log",
    resources:
        runtime=240,
    shell:
        "python scripts/download.py --mirrors {params.mirrors:q} --sha256 {params.sha256:q}"
        " --retries {params.retries} --timeout {params.timeout} --max-bytes {params.max_bytes:q}"
        " --output {output:q} > {log:q} 2>&1"


rule verify_download:
    """SHA-256 of a source file compared with the config, streamed once; the stamp records it, so a
    file placed by hand is checked too and an unchanged file is not hashed again."""
    message:
        job_message("check the SHA-256 of {wildcards.datadir}/{wildcards.name}")
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


rule convert:
    """The UCI CSV (HIGGS, SUSY) or the EnergyFlow files (quark/gluon jets) as one store file."""
    message:
        job_message("convert the {wildcards.source} files of {wildcards.dataset} into one event file")
    conda:
        ENV
    input:
        unpack(source_files),
        code=code("scripts/convert.py"),
    output:
        f"{RESULTS}/data/{{dataset}}/{{source}}/events.root",
    wildcard_constraints:
        source="uci|energyflow",
    params:
        max_events=lambda w: (JETS["energyflow"]["max_jets"] if w.source == "energyflow" else None) or 0,
    log:
        f"{RESULTS}/logs/convert_{{dataset}}_{{source}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/convert_{{dataset}}_{{source}}.tsv"
    threads: 2
    resources:
        mem_mb=4000,
    shell:
        "python scripts/convert.py --source {wildcards.source} --dataset {wildcards.dataset} --inputs {input.data:q}"
        " --stamps {input.verified:q} --max-events {params.max_events} --output {output:q} > {log:q} 2>&1"


rule generate:
    """One shard of one process with Pythia 8 + FastJet (+ the detector for HIGGS/SUSY), and its record
    (source alt_<value>: quark/gluon jets with mismodelling.parameter at that value)."""
    message:
        job_message("generate {wildcards.dataset} ({wildcards.source}): {params.events} {wildcards.process} events,"
                    " shard {wildcards.shard} (Pythia 8 + FastJet)")
    priority: long_pole_first
    conda:
        ENV
    input:
        files=generation_files,
        code=code("scripts/generate.py"),
    output:
        events=f"{RESULTS}/data/{{dataset}}/{{source}}/shards/{{process}}_{{shard}}.root",
        record=f"{RESULTS}/data/{{dataset}}/{{source}}/shards/{{process}}_{{shard}}.json",
    wildcard_constraints:
        source=f"pythia|{ALT_SOURCE}",
    params:
        events=generation_events,
        generation=lambda w: as_json(generation_params(w)),
        detector=lambda w: as_json(config["detector"]) if not is_jets(w.dataset) else "{}",
        seed=lambda w: generation_seed(w.dataset, w.source),
    log:
        f"{RESULTS}/logs/generate_{{dataset}}_{{source}}_{{process}}_{{shard}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/generate_{{dataset}}_{{source}}_{{process}}_{{shard}}.tsv"
    resources:
        mem_mb=2000,
        runtime=120,
    shell:
        "python scripts/generate.py --dataset {wildcards.dataset} --process {wildcards.process}"
        " --shard {wildcards.shard} --events {params.events} --seed {params.seed}"
        " --generation {params.generation:q} --detector {params.detector:q}"
        " --output {output.events:q} --record {output.record:q} > {log:q} 2>&1"


rule merge:
    """All shards of a generated sample in one seeded random order, and the sample's generation record."""
    message:
        job_message("merge the generated {wildcards.dataset} ({wildcards.source}) shards into one shuffled sample")
    priority: long_pole_first
    conda:
        ENV
    input:
        events=lambda w: [f"{s}.root" for s in shards(w.dataset, w.source)],
        records=lambda w: [f"{s}.json" for s in shards(w.dataset, w.source)],
        code=code("scripts/merge.py"),
    output:
        events=f"{RESULTS}/data/{{dataset}}/{{source}}/events.root",
        record=f"{RESULTS}/data/{{dataset}}/{{source}}/generation.json",
    wildcard_constraints:
        source=f"pythia|{ALT_SOURCE}",
    params:
        seed=lambda w: generation_seed(w.dataset, w.source),
        masses=lambda w: shard_masses(w.dataset),
        training_masses=lambda w: training_masses(w.dataset),
    log:
        f"{RESULTS}/logs/merge_{{dataset}}_{{source}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/merge_{{dataset}}_{{source}}.tsv"
    shell:
        "python scripts/merge.py --inputs {input.events:q} --records {input.records:q} --seed {params.seed}"
        " --masses {params.masses:q} --training-masses {params.training_masses:q}"
        " --output {output.events:q} --record {output.record:q} > {log:q} 2>&1"


rule split:
    message:
        job_message("split {wildcards.dataset} ({wildcards.source}) into train, validation and test parts")
    priority: long_pole_first
    conda:
        ENV
    input:
        events=f"{RESULTS}/data/{{dataset}}/{{source}}/events.root",
        code=code("scripts/split.py"),
    output:
        train=f"{RESULTS}/data/{{dataset}}/{{source}}/split/train.root",
        val=f"{RESULTS}/data/{{dataset}}/{{source}}/split/val.root",
        test=f"{RESULTS}/data/{{dataset}}/{{source}}/split/test.root",
    params:
        sizes=lambda w: as_json(split_sizes(w)),
        sizes_key=lambda w: split_sizes_key(w),
        limits=as_json(config["limits"]),
    log:
        f"{RESULTS}/logs/split_{{dataset}}_{{source}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/split_{{dataset}}_{{source}}.tsv"
    shell:
        "python scripts/split.py --input {input.events:q} --sizes {params.sizes:q} --sizes-key {params.sizes_key:q}"
        " --limits {params.limits:q}"
        " --train {output.train:q} --val {output.val:q} --test {output.test:q} > {log:q} 2>&1"


rule jet_features:
    """Jet images and substructure observables of one split part of the quark/gluon jets."""
    message:
        job_message("jet images and observables of the quark/gluon {wildcards.part} part ({wildcards.source})")
    priority: long_pole_first
    conda:
        ENV
    input:
        part=f"{RESULTS}/data/qg/{{source}}/split/{{part}}.root",
        code=code("scripts/jet_features.py"),
    output:
        f"{RESULTS}/data/qg/{{source}}/features/{{part}}.npz",
    params:
        images=as_json(JETS["images"]),
    log:
        f"{RESULTS}/logs/jet_features_{{source}}_{{part}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/jet_features_{{source}}_{{part}}.tsv"
    shell:
        "python scripts/jet_features.py --input {input.part:q} --images {params.images:q} --output {output:q} > {log:q} 2>&1"


rule validate_mismodelling:
    """What the mis-modelled parameter does to the quark and gluon jets: the observables' distributions
    and medians of every data sample beside the nominal simulation's (test parts)."""
    message:
        job_message("validate the mis-modelled quark/gluon samples against the nominal one")
    conda:
        ENV
    input:
        features=[part_file(JET_DATASET, s, "test") for s in [JSOURCE, *MISMOD_SOURCES]],
        code=code("scripts/mismodelling.py"),
    output:
        md=report(f"{RESULTS}/validation/qg_mismodelling.md", caption="../report/mismodelling.rst", category="Validation"),
        json=f"{RESULTS}/validation/qg_mismodelling.json",
        png=report(f"{RESULTS}/validation/qg_mismodelling.png", caption="../report/mismodelling.rst", category="Validation"),
        pdf=f"{RESULTS}/validation/qg_mismodelling.pdf",
    params:
        samples=lambda w, input: [f"{s}={f}" for s, f in zip([JSOURCE, *MISMOD_SOURCES], input.features, strict=True)],
        nominal=JSOURCE,
        parameter=MISMOD["parameter"],
        nominal_value=lambda w: as_json(mismodelling_nominal()),
    log:
        f"{RESULTS}/logs/validate_mismodelling.log",
    shell:
        "python scripts/mismodelling.py --samples {params.samples:q} --nominal {params.nominal:q}"
        " --parameter {params.parameter:q} --nominal-value {params.nominal_value:q} --markdown {output.md:q} --json {output.json:q}"
        " --plots {output.png:q} {output.pdf:q} > {log:q} 2>&1"
