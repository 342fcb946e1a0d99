# Weak supervision on the quark/gluon jets: CWoLa and LLP against the fully supervised reference.


rule weak_train:
    conda:
        ENV
    input:
        train=f"{RESULTS}/jets/{{jsource}}/images/train.npz",
        val=f"{RESULTS}/jets/{{jsource}}/images/val.npz",
        test=f"{RESULTS}/jets/{{jsource}}/images/test.npz",
    output:
        f"{RESULTS}/weak/{{jsource}}/{{method}}_f1_{{f1}}_f2_{{f2}}.json",
    params:
        config=as_json(WEAK),
        seeds=WEAK["seeds"],
    log:
        f"{RESULTS}/logs/weak/{{jsource}}_{{method}}_{{f1}}_{{f2}}.log",
    threads: config["threads"]["train"]
    resources:
        mem_mb=4000,
        runtime=120,
        gpu=1,
    shell:
        "python scripts/weak.py train --method {wildcards.method} --f1 {wildcards.f1} --f2 {wildcards.f2}"
        " --seeds {params.seeds:q} --config {params.config:q} --threads {threads}"
        " --train {input.train:q} --val {input.val:q} --test {input.test:q} --output {output:q} > {log:q} 2>&1"


rule weak_report:
    conda:
        ENV
    input:
        lambda w: weak_metric_files(w.jsource),
    output:
        md=f"{RESULTS}/tables/weak_{{jsource}}.md",
        png=report(f"{RESULTS}/plots/weak_{{jsource}}_auc_vs_gap.png", caption="../report/weak.rst", category="Weak supervision"),
        pdf=f"{RESULTS}/plots/weak_{{jsource}}_auc_vs_gap.pdf",
    log:
        f"{RESULTS}/logs/weak/report_{{jsource}}.log",
    shell:
        "python scripts/weak.py report --metrics {input:q} --markdown {output.md:q} --plots {output.png:q} {output.pdf:q}"
        " > {log:q} 2>&1"
