# Quark/gluon jets: Z+jet generation (or the EnergyFlow files), images, CNN and baseline taggers.


rule generate_jets_shard:
    conda:
        ENV
    output:
        events=f"{RESULTS}/jets/pythia/shards/{{flavour}}_{{shard}}.root",
        record=f"{RESULTS}/jets/pythia/shards/{{flavour}}_{{shard}}.json",
    params:
        events=JETS["generation"]["events_per_shard"],
        seed=JETS["generation"]["seed"],
        generation=as_json(JETS["generation"]),
    log:
        f"{RESULTS}/logs/jets/generate_{{flavour}}_{{shard}}.log",
    resources:
        mem_mb=2000,
        runtime=120,
    shell:
        "python scripts/jets.py generate --flavour {wildcards.flavour} --shard {wildcards.shard}"
        " --events {params.events} --seed {params.seed} --generation {params.generation:q}"
        " --output {output.events:q} --record {output.record:q}"
        " > {log:q} 2>&1"


rule merge_jets:
    conda:
        ENV
    input:
        jet_shards(),
    output:
        f"{RESULTS}/jets/pythia/jets.root",
    params:
        seed=JETS["generation"]["seed"],
    log:
        f"{RESULTS}/logs/jets/merge.log",
    shell:
        "python scripts/jets.py merge --inputs {input:q} --seed {params.seed} --output {output:q} > {log:q} 2>&1"


rule convert_energyflow:
    conda:
        ENV
    input:
        data=energyflow_files(),
        verified=[f"{EF_DIR}/.{os.path.basename(f)}.sha256" for f in energyflow_files()],
    output:
        f"{RESULTS}/jets/energyflow/jets.root",
    params:
        max_jets=JETS["energyflow"]["max_jets"] or 0,
    log:
        f"{RESULTS}/logs/jets/convert_energyflow.log",
    shell:
        "python scripts/jets.py convert --inputs {input.data:q} --output {output:q} --max-jets {params.max_jets}"
        " > {log:q} 2>&1"


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
        fractions=as_json(JETS["split"]),
    log:
        f"{RESULTS}/logs/jets/split_{{jsource}}.log",
    shell:
        "python scripts/jets.py split --input {input:q} --fractions {params.fractions:q}"
        " --train {output.train:q} --val {output.val:q} --test {output.test:q} > {log:q} 2>&1"


rule jet_images:
    conda:
        ENV
    input:
        f"{RESULTS}/jets/{{jsource}}/split/{{part}}.root",
    output:
        f"{RESULTS}/jets/{{jsource}}/images/{{part}}.npz",
    params:
        images=as_json(JETS["images"]),
    log:
        f"{RESULTS}/logs/jets/images_{{jsource}}_{{part}}.log",
    shell:
        "python scripts/jets.py images --input {input:q} --images {params.images:q} --output {output:q} > {log:q} 2>&1"


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
        cnn=as_json(JETS["cnn"]),
        recipe=as_json(JETS["recipe"]),
        bdt=as_json(JETS["bdt"]),
    log:
        f"{RESULTS}/logs/jets/train_{{jsource}}_{{tagger}}_seed{{seed}}.log",
    threads: config["threads"]["train"]
    resources:
        mem_mb=4000,
        runtime=120,
        gpu=lambda w: 1 if w.tagger == "cnn" else 0,
    shell:
        "python scripts/jets.py train --tagger {wildcards.tagger} --seed {wildcards.seed}"
        " --cnn {params.cnn:q} --recipe {params.recipe:q} --bdt {params.bdt:q} --threads {threads}"
        " --train {input.train:q} --val {input.val:q} --test {input.test:q}"
        " --model {output.model:q} --metrics {output.metrics:q} > {log:q} 2>&1"


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
        half_width=JETS["images"]["half_width"],
        title=lambda w: f"quark/gluon ({w.jsource})",
    log:
        f"{RESULTS}/logs/jets/report_{{jsource}}.log",
    shell:
        "python scripts/jets.py report --metrics {input.metrics:q} --train {input.train:q} --test {input.test:q}"
        " --title {params.title:q} --half-width {params.half_width}"
        " --csv {output.csv:q} --markdown {output.md:q} --curves {output.curves_png:q} {output.curves_pdf:q}"
        " --average {output.average_png:q} {output.average_pdf:q} > {log:q} 2>&1"
