# Quark/gluon jets: Z+jet generation (or the EnergyFlow files), images, CNN and baseline taggers.


rule generate_jets_shard:
    conda:
        ENV
    output:
        f"{RESULTS}/jets/pythia/shards/{{flavour}}_{{shard}}.root",
    params:
        events=config["jets"]["generation"]["events_per_shard"],
        seed=config["jets"]["generation"]["seed"],
        generation=as_json(config["jets"]["generation"]),
    log:
        f"{RESULTS}/logs/jets/generate_{{flavour}}_{{shard}}.log",
    resources:
        mem_mb=2000,
        runtime=120,
    shell:
        "python scripts/jets.py generate --flavour {wildcards.flavour} --shard {wildcards.shard}"
        " --events {params.events} --seed {params.seed} --generation {params.generation} --output {output} 2> {log}"


rule merge_jets:
    conda:
        ENV
    input:
        jet_shards(),
    output:
        f"{RESULTS}/jets/pythia/jets.root",
    params:
        seed=config["jets"]["generation"]["seed"],
    log:
        f"{RESULTS}/logs/jets/merge.log",
    shell:
        "python scripts/jets.py merge --inputs {input} --seed {params.seed} --output {output} > {log} 2>&1"


rule download_energyflow:
    conda:
        ENV
    output:
        protected(f"{EF_DIR}/{{name}}"),
    params:
        mirrors=lambda w: as_json([{"url": energyflow_url(w.name)}]),
        sha256=lambda w: energyflow_sha256(w.name),
    log:
        f"{EF_DIR}/logs/download_{{name}}.log",
    shell:
        "python scripts/download.py --mirrors {params.mirrors} --sha256 {params.sha256} --output {output} 2> {log}"


rule convert_energyflow:
    conda:
        ENV
    input:
        energyflow_files(),
    output:
        f"{RESULTS}/jets/energyflow/jets.root",
    params:
        max_jets=config["jets"].get("energyflow", {}).get("max_jets") or 0,
    log:
        f"{RESULTS}/logs/jets/convert_energyflow.log",
    shell:
        "python scripts/jets.py convert --inputs {input} --output {output}"
        " $( [ {params.max_jets} -gt 0 ] && echo --max-jets {params.max_jets} ) > {log} 2>&1"


rule split_jets:
    conda:
        ENV
    input:
        f"{RESULTS}/jets/{{jsource}}/jets.root",
    output:
        train=f"{RESULTS}/jets/{{jsource}}/split/train.root",
        val=f"{RESULTS}/jets/{{jsource}}/split/val.root",
        test=f"{RESULTS}/jets/{{jsource}}/split/test.root",
    params:
        fractions=as_json(config["jets"]["split"]),
    log:
        f"{RESULTS}/logs/jets/split_{{jsource}}.log",
    shell:
        "python scripts/jets.py split --input {input} --fractions {params.fractions}"
        " --train {output.train} --val {output.val} --test {output.test} > {log} 2>&1"


rule jet_images:
    conda:
        ENV
    input:
        f"{RESULTS}/jets/{{jsource}}/split/{{part}}.root",
    output:
        f"{RESULTS}/jets/{{jsource}}/images/{{part}}.npz",
    params:
        images=as_json(config["jets"]["images"]),
    log:
        f"{RESULTS}/logs/jets/images_{{jsource}}_{{part}}.log",
    shell:
        "python scripts/jets.py images --input {input} --images {params.images} --output {output} 2> {log}"


rule train_jet_tagger:
    conda:
        ENV
    input:
        train=f"{RESULTS}/jets/{{jsource}}/images/train.npz",
        val=f"{RESULTS}/jets/{{jsource}}/images/val.npz",
        test=f"{RESULTS}/jets/{{jsource}}/images/test.npz",
    output:
        model=f"{RESULTS}/jets/{{jsource}}/models/{{tagger}}/seed{{seed}}.model",
        metrics=f"{RESULTS}/jets/{{jsource}}/metrics/{{tagger}}/seed{{seed}}.json",
    params:
        cnn=as_json(config["jets"]["cnn"]),
        recipe=as_json(config["jets"]["recipe"]),
        bdt=as_json(config["jets"]["bdt"]),
    log:
        f"{RESULTS}/logs/jets/train_{{jsource}}_{{tagger}}_seed{{seed}}.log",
    threads: config.get("threads", {}).get("train", 1)
    resources:
        mem_mb=4000,
        runtime=120,
        gpu=lambda w: 1 if w.tagger == "cnn" else 0,
    shell:
        "python scripts/jets.py train --tagger {wildcards.tagger} --seed {wildcards.seed}"
        " --cnn {params.cnn} --recipe {params.recipe} --bdt {params.bdt} --threads {threads}"
        " --train {input.train} --val {input.val} --test {input.test}"
        " --model {output.model} --metrics {output.metrics} 2> {log}"


rule jet_report:
    conda:
        ENV
    input:
        metrics=lambda w: jet_metric_files(w.jsource),
        train=f"{RESULTS}/jets/{{jsource}}/images/train.npz",
        test=f"{RESULTS}/jets/{{jsource}}/images/test.npz",
    output:
        csv=report(f"{RESULTS}/tables/jets_{{jsource}}.csv", caption="../report/jets.rst", category="Quark/gluon"),
        md=f"{RESULTS}/tables/jets_{{jsource}}.md",
        curves_png=report(f"{RESULTS}/plots/jets_{{jsource}}_roc_sic.png", caption="../report/jets.rst", category="Quark/gluon"),
        curves_pdf=f"{RESULTS}/plots/jets_{{jsource}}_roc_sic.pdf",
        average_png=f"{RESULTS}/plots/jets_{{jsource}}_average_images.png",
        average_pdf=f"{RESULTS}/plots/jets_{{jsource}}_average_images.pdf",
    params:
        half_width=config["jets"]["images"]["half_width"],
    log:
        f"{RESULTS}/logs/jets/report_{{jsource}}.log",
    shell:
        "python scripts/jets.py report --metrics {input.metrics} --train {input.train} --test {input.test}"
        " --title 'quark/gluon ({wildcards.jsource})' --half-width {params.half_width}"
        " --csv {output.csv} --markdown {output.md} --curves {output.curves_png} {output.curves_pdf}"
        " --average {output.average_png} {output.average_pdf} 2> {log}"
