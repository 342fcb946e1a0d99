# What a run shows: each study's tables and figure, feature plots, the validation of generated
# samples against truth, and the provenance manifest.


rule record_list:
    """The metric records one study of one sample shows, as a JSON list: jobs read long file lists from
    a file (on the command line they would pass the OS's 128 kB limit per argument at scale)."""
    message:
        job_message("list the metric records of {wildcards.study}: {wildcards.dataset} ({wildcards.source})")
    input:
        study_metrics,
    output:
        f"{RESULTS}/lists/{{study}}_{{dataset}}_{{source}}.json",
    log:
        f"{RESULTS}/logs/lists/{{study}}_{{dataset}}_{{source}}.log",
    run:
        write_json(output[0], list(input))
        write_text(log[0], f"{output[0]}: {len(input)} metric records\n")


rule history_list:
    """{cell label: its seeds' training histories} of one study of one sample, for its training curves."""
    message:
        job_message("list the training histories of {wildcards.study}: {wildcards.dataset} ({wildcards.source})")
    input:
        lambda w: [f for files in study_histories(w.study, w.dataset, w.source).values() for f in files],
    output:
        f"{RESULTS}/lists/training/{{study}}_{{dataset}}_{{source}}.json",
    log:
        f"{RESULTS}/logs/lists/training_{{study}}_{{dataset}}_{{source}}.log",
    run:
        histories = study_histories(wildcards.study, wildcards.dataset, wildcards.source)
        write_json(output[0], histories)
        write_text(log[0], f"{output[0]}: {len(histories)} cells\n")


rule plot_training:
    """Training curves of a study's cells: losses and validation AUC per epoch (or boosting round)
    of every seed, the kept epoch marked."""
    message:
        job_message("plot the training curves of {wildcards.study}: {wildcards.dataset} ({wildcards.source})")
    conda:
        ENV
    input:
        histories=f"{RESULTS}/lists/training/{{study}}_{{dataset}}_{{source}}.json",
        files=lambda w: [f for files in study_histories(w.study, w.dataset, w.source).values() for f in files],
        code=code("scripts/report.py"),
    output:
        png=report(f"{RESULTS}/plots/training/{{study}}_{{dataset}}_{{source}}.png", caption="../report/training.rst",
                   category="Training", subcategory="{study}"),
        pdf=f"{RESULTS}/plots/training/{{study}}_{{dataset}}_{{source}}.pdf",
    params:
        title=lambda w: f"Training curves: {w.study}, {w.dataset} ({w.source})",
    log:
        f"{RESULTS}/logs/plot_training_{{study}}_{{dataset}}_{{source}}.log",
    shell:
        "python scripts/report.py training --histories @{input.histories:q} --title {params.title:q}"
        " --outputs {output.png:q} {output.pdf:q} > {log:q} 2>&1"


rule plot_calibration:
    """The seed ensembles of a study's cells: reliability curves of the mean score on the test part,
    and the distribution of the seeds' per-event spread."""
    message:
        job_message("plot the calibration of the seed ensembles of {wildcards.study}: {wildcards.dataset} ({wildcards.source})")
    conda:
        ENV
    input:
        scores=lambda w: [f for panel in calibration_panels(w.study, w.dataset, w.source).values() for f in panel.values()],
        code=code("scripts/report.py"),
    output:
        png=report(f"{RESULTS}/plots/calibration/{{study}}_{{dataset}}_{{source}}.png", caption="../report/calibration.rst",
                   category="Plots", subcategory="{study}"),
        pdf=f"{RESULTS}/plots/calibration/{{study}}_{{dataset}}_{{source}}.pdf",
    params:
        panels=lambda w: as_json(calibration_panels(w.study, w.dataset, w.source)),
        title=lambda w: f"Seed ensembles: {w.study}, {w.dataset} ({w.source})",
    log:
        f"{RESULTS}/logs/plot_calibration_{{study}}_{{dataset}}_{{source}}.log",
    shell:
        "python scripts/report.py calibration --panels {params.panels:q} --title {params.title:q}"
        " --outputs {output.png:q} {output.pdf:q} > {log:q} 2>&1"


rule hepdata_list:
    """{"study/dataset/source": its metric records}, as JSON, for the HEPData job."""
    message:
        job_message("list the metric records of every study for HEPData")
    input:
        [f for files in study_record_files().values() for f in files],
    output:
        f"{RESULTS}/lists/hepdata.json",
    log:
        f"{RESULTS}/logs/lists/hepdata.log",
    run:
        studies = study_record_files()
        write_json(output[0], studies)
        write_text(log[0], f"{output[0]}: {len(studies)} studies\n")


rule tables:
    message:
        job_message("tables of {wildcards.study}: {wildcards.dataset} ({wildcards.source})")
    conda:
        ENV
    input:
        records=f"{RESULTS}/lists/{{study}}_{{dataset}}_{{source}}.json",
        metrics=study_metrics,
        code=code("scripts/report.py"),
    output:
        csv=report(f"{RESULTS}/tables/{{study}}_{{dataset}}_{{source}}.csv", caption="../report/table.rst",
                   category="Tables", subcategory="{study}"),
        md=f"{RESULTS}/tables/{{study}}_{{dataset}}_{{source}}.md",
        tex=f"{RESULTS}/tables/{{study}}_{{dataset}}_{{source}}.tex",
    params:
        context=as_json(report_context()),
    log:
        f"{RESULTS}/logs/tables_{{study}}_{{dataset}}_{{source}}.log",
    shell:
        "python scripts/report.py tables --study {wildcards.study} --dataset {wildcards.dataset}"
        " --source {wildcards.source} --metrics @{input.records:q} --context {params.context:q} --csv {output.csv:q}"
        " --markdown {output.md:q}"
        " --latex {output.tex:q} > {log:q} 2>&1"


rule plot_results:
    message:
        job_message("plot the results of {wildcards.study}: {wildcards.dataset} ({wildcards.source})")
    conda:
        ENV
    input:
        records=f"{RESULTS}/lists/{{study}}_{{dataset}}_{{source}}.json",
        metrics=study_metrics,
        code=code("scripts/report.py"),
    output:
        png=report(f"{RESULTS}/plots/{{study}}_{{dataset}}_{{source}}.png", caption="../report/results.rst",
                   category="Plots", subcategory="{study}"),
        pdf=f"{RESULTS}/plots/{{study}}_{{dataset}}_{{source}}.pdf",
    params:
        context=as_json(report_context()),
    log:
        f"{RESULTS}/logs/plot_{{study}}_{{dataset}}_{{source}}.log",
    shell:
        "python scripts/report.py plot --study {wildcards.study} --dataset {wildcards.dataset}"
        " --source {wildcards.source} --metrics @{input.records:q} --context {params.context:q}"
        " --outputs {output.png:q} {output.pdf:q} > {log:q} 2>&1"


rule plot_features:
    """Signal and background distributions of every feature (HIGGS, SUSY), or the average quark and
    gluon jet images (quark/gluon)."""
    message:
        job_message("plot the features of {wildcards.dataset} ({wildcards.source})")
    conda:
        ENV
    input:
        events=lambda w: part_file(w.dataset, w.source, "train") if is_jets(w.dataset) else f"{RESULTS}/data/{w.dataset}/{w.source}/events.root",
        code=code("scripts/report.py"),
    output:
        png=report(f"{RESULTS}/plots/{{dataset}}_{{source}}_features.png", caption="../report/features.rst",
                   category="Plots", subcategory="features"),
        pdf=f"{RESULTS}/plots/{{dataset}}_{{source}}_features.pdf",
    params:
        half_width=JETS["images"]["half_width"],
    log:
        f"{RESULTS}/logs/plot_features_{{dataset}}_{{source}}.log",
    shell:
        "python scripts/report.py features --dataset {wildcards.dataset} --source {wildcards.source}"
        " --input {input.events:q} --half-width {params.half_width} --outputs {output.png:q} {output.pdf:q} > {log:q} 2>&1"


rule validate_generation:
    """Reconstructed masses against generator truth, object resolutions and b-tag efficiencies."""
    message:
        job_message("validate the generated {wildcards.dataset} sample against generator truth")
    conda:
        ENV
    input:
        shards=lambda w: [f"{s}.root" for s in shards(w.dataset)],
        record=f"{RESULTS}/data/{{dataset}}/pythia/generation.json",
        code=code("scripts/validate.py"),
    output:
        md=report(f"{RESULTS}/validation/{{dataset}}.md", caption="../report/validation.rst", category="Validation"),
        json=f"{RESULTS}/validation/{{dataset}}.json",
        png=report(f"{RESULTS}/validation/{{dataset}}.png", caption="../report/validation.rst", category="Validation"),
        pdf=f"{RESULTS}/validation/{{dataset}}.pdf",
    wildcard_constraints:
        dataset="|".join(dataset_names("benchmark")),
    params:
        detector=as_json(config["detector"]),
    log:
        f"{RESULTS}/logs/validate_{{dataset}}.log",
    shell:
        "python scripts/validate.py --dataset {wildcards.dataset} --shards {input.shards:q} --record {input.record:q}"
        " --detector {params.detector:q} --markdown {output.md:q} --json {output.json:q}"
        " --plots {output.png:q} {output.pdf:q} > {log:q} 2>&1"


rule hepdata:
    """Every study's table and every cell's ROC curve as one HEPData submission, validated."""
    message:
        job_message("write the HEPData submission of every study")
    conda:
        ENV
    input:
        studies=f"{RESULTS}/lists/hepdata.json",
        records=[f for files in study_record_files().values() for f in files],
        code=code("scripts/hepdata.py"),
    output:
        f"{RESULTS}/hepdata/submission.tar.gz",
    params:
        context=as_json(report_context()),
    log:
        f"{RESULTS}/logs/hepdata.log",
    shell:
        "python scripts/hepdata.py --studies @{input.studies:q} --context {params.context:q} --output {output:q}"
        " > {log:q} 2>&1"


rule manifest:
    """Provenance of every file of the run, from Snakemake's own record of the rule that made it."""
    message:
        job_message("write the provenance manifest of the run")
    conda:
        ENV
    input:
        targets=[t for t in all_targets() if not t.endswith("manifest.json")],
        stamps=list(source_checksums().values()),
        code=code("scripts/manifest.py"),
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
        "python scripts/manifest.py --results {params.results:q} --config {params.config:q}"
        " --expected {params.expected:q} --stamps {params.stamps:q} --output {output:q} > {log:q} 2>&1"
