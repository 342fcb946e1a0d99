# The systematics study: test-only events generated once per benchmark dataset and seen through
# every detector card (the nominal one and each source shifted up and down; the nominal card's
# events carry the shower variations' weights), validated like the nominal sample, and every
# benchmark model scored on each variation's events.


rule generate_variations:
    """One test-only shard of one process through every detector card, on the same events and detector
    random numbers; the nominal card's events with every shower variation's weight."""
    message:
        job_message("generate {wildcards.dataset}: {params.events} {wildcards.process} events, shard {wildcards.shard},"
                    " through {params.n_cards} detector cards, with {params.n_weights} shower weights (Pythia 8 + FastJet)")
    conda:
        ENV
    input:
        files=generation_files,
        code=code("scripts/variations.py"),
    output:
        events=expand(f"{VARIATION_DIR}/shards/{{process}}_{{shard}}_{{variation}}.root", variation=DETECTOR_VARIATIONS,
                      allow_missing=True),
        record=f"{VARIATION_DIR}/shards/{{process}}_{{shard}}.json",
    wildcard_constraints:
        dataset="|".join(studies.systematics_datasets(config)) or "^$",
    params:
        events=SYST["events_per_shard"],
        n_cards=len(DETECTOR_VARIATIONS),
        n_weights=len(SHOWER_VARIATIONS),
        generation=lambda w: as_json(generation_params(w)),
        detector=as_json(config["detector"]),
        sources=as_json(SYST["sources"]),
        shower=as_json({"sources": SYST["shower"], "settings": SYST["shower_settings"]}),
        seed=SYST["seed"],
        outputs=lambda w, output: per_variation(output.events, DETECTOR_VARIATIONS),
    log:
        f"{RESULTS}/logs/generate_variations_{{dataset}}_{{process}}_{{shard}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/generate_variations_{{dataset}}_{{process}}_{{shard}}.tsv"
    resources:
        mem_mb=2000,
        runtime=120,
    shell:
        "python scripts/variations.py generate --dataset {wildcards.dataset} --process {wildcards.process}"
        " --shard {wildcards.shard} --events {params.events} --seed {params.seed}"
        " --generation {params.generation:q} --detector {params.detector:q} --sources {params.sources:q}"
        " --shower {params.shower:q} --outputs {params.outputs:q} --record {output.record:q} > {log:q} 2>&1"


rule generate_generator_variation:
    """One test-only shard of one process generated again with a generator variation's Pythia
    parameters (same seed and size as the detector variations' shard), through the nominal card."""
    message:
        job_message("generate {wildcards.dataset}: {params.events} {wildcards.process} events, shard {wildcards.shard},"
                    " generator variation {wildcards.gvariation} (Pythia 8 + FastJet)")
    conda:
        ENV
    input:
        files=generation_files,
        code=code("scripts/variations.py"),
    output:
        events=f"{VARIATION_DIR}/shards/{{process}}_{{shard}}_{{gvariation}}.root",
        record=f"{VARIATION_DIR}/shards/{{process}}_{{shard}}_{{gvariation}}.json",
    wildcard_constraints:
        dataset="|".join(studies.systematics_datasets(config)) or "^$",
        gvariation="|".join(GENERATOR_VARIATIONS) or "^$",
    params:
        events=SYST["events_per_shard"],
        generation=lambda w: as_json(generation_params(w)),
        detector=as_json(config["detector"]),
        generator=as_json(SYST["generator"]),
        seed=SYST["seed"],
    log:
        f"{RESULTS}/logs/generate_variations_{{dataset}}_{{process}}_{{shard}}_{{gvariation}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/generate_variations_{{dataset}}_{{process}}_{{shard}}_{{gvariation}}.tsv"
    resources:
        mem_mb=2000,
        runtime=120,
    shell:
        "python scripts/variations.py generate --dataset {wildcards.dataset} --process {wildcards.process}"
        " --shard {wildcards.shard} --events {params.events} --seed {params.seed}"
        " --generation {params.generation:q} --detector {params.detector:q}"
        " --generator {params.generator:q} --variation {wildcards.gvariation:q}"
        " --outputs {wildcards.gvariation:q}={output.events:q} --record {output.record:q} > {log:q} 2>&1"


rule variation_list:
    """Every variation's shard files and generation records, as JSON: the jobs read this long list
    from a file (on the command line it passes the OS's limits at config/scale.yaml)."""
    message:
        job_message("list the {wildcards.dataset} variation shards and records")
    output:
        f"{RESULTS}/lists/variations_{{dataset}}.json",
    wildcard_constraints:
        dataset="|".join(studies.systematics_datasets(config)) or "^$",
    log:
        f"{RESULTS}/logs/lists/variations_{{dataset}}.log",
    run:
        listed = variation_inputs(wildcards.dataset)
        write_json(output[0], listed)
        write_text(log[0], f"{output[0]}: {len(listed['shards'])} variations\n")


rule merge_variations:
    """Each variation's shards of a dataset's variation sample as one shuffled store file."""
    message:
        job_message("merge the {wildcards.dataset} variation shards, one file per variation")
    conda:
        ENV
    input:
        listed=f"{RESULTS}/lists/variations_{{dataset}}.json",
        shards=lambda w: [f for v in FILE_VARIATIONS for f in variation_shards(w.dataset, v)],
        code=code("scripts/variations.py"),
    output:
        expand(f"{VARIATION_DIR}/{{variation}}.root", variation=FILE_VARIATIONS, allow_missing=True),
    params:
        outputs=lambda w, output: per_variation(output),
        seed=SYST["seed"],
    log:
        f"{RESULTS}/logs/merge_variations_{{dataset}}.log",
    shell:
        "python scripts/variations.py merge --inputs @{input.listed:q} --outputs {params.outputs:q} --seed {params.seed}"
        " > {log:q} 2>&1"


rule validate_variations:
    """Every detector card's validation report, and what each variation shifts against the nominal card."""
    message:
        job_message("validate the {wildcards.dataset} variations (detector, generator, shower) against generator truth")
    conda:
        ENV
    input:
        listed=f"{RESULTS}/lists/variations_{{dataset}}.json",
        shards=lambda w: [f for v in FILE_VARIATIONS for f in variation_shards(w.dataset, v)],
        records=lambda w: [f for v in FILE_VARIATIONS for f in variation_records(w.dataset, v)],
        code=code("scripts/variations.py"),
    output:
        md=report(f"{RESULTS}/validation/{{dataset}}_variations.md", caption="../report/variations.rst",
                  category="Validation"),
        json=f"{RESULTS}/validation/{{dataset}}_variations.json",
        png=report(f"{RESULTS}/validation/{{dataset}}_variations.png", caption="../report/variations.rst",
                   category="Validation"),
        pdf=f"{RESULTS}/validation/{{dataset}}_variations.pdf",
    params:
        detector=as_json(config["detector"]),
        sources=as_json(SYST["sources"]),
        generator=as_json(SYST["generator"]),
        shower=as_json(SYST["shower"]),
    log:
        f"{RESULTS}/logs/validate_variations_{{dataset}}.log",
    shell:
        "python scripts/variations.py validate --dataset {wildcards.dataset} --inputs @{input.listed:q}"
        " --detector {params.detector:q} --sources {params.sources:q}"
        " --generator {params.generator:q} --shower {params.shower:q}"
        " --markdown {output.md:q} --json {output.json:q} --plots {output.png:q} {output.pdf:q} > {log:q} 2>&1"


rule score_variations:
    """A benchmark cell's seeds scored on every detector card's events: a metric record per card and
    seed, the nominal one with the significance that has the variations as pyhf modifiers."""
    message:
        job_message("score {wildcards.dataset} ({wildcards.source}), {wildcards.fset} features, {wildcards.model}"
                    " on {params.n_cards} variations; seeds {SEEDS}")
    conda:
        ENV
    input:
        models=lambda w: model_files(cell_of(w)),
        histories=expand(HISTORIES, seed=SEEDS, allow_missing=True),
        val=lambda w: part_file(w.dataset, w.source, "val"),
        variations=expand(f"{VARIATION_DIR}/{{variation}}.root", variation=FILE_VARIATIONS, allow_missing=True),
        code=code("scripts/variations.py"),
    output:
        metrics=expand(f"{RESULTS}/metrics/{CELL}/{{evaluation}}/seed{{seed}}.json",
                       evaluation=[evaluation_of(v) for v in VARIATIONS], seed=SEEDS, allow_missing=True),
    wildcard_constraints:
        study="benchmark",
        source="pythia",
        task="all",
    params:
        n_cards=len(VARIATIONS),
        cell=lambda w: as_json(vars(cell_of(w))),
        significance=lambda w: as_json(studies.significance_config(config, cell_of(w))),
        variations=lambda w: [f"{v}={variation_file(w.dataset, v)}" for v in VARIATIONS],
        metrics_dir=lambda w: f"{RESULTS}/metrics/{cell_of(w).path}",
    log:
        f"{RESULTS}/logs/score/{LOG}_variations.log",
    benchmark:
        f"{RESULTS}/benchmarks/score/{LOG}_variations.tsv"
    shell:
        "python scripts/variations.py score --cell {params.cell:q} --models {input.models:q}"
        " --histories {input.histories:q} --val {input.val:q} --variations {params.variations:q}"
        " --significance {params.significance:q} --metrics-dir {params.metrics_dir:q} > {log:q} 2>&1"
