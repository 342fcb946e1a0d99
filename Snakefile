# hepml: the Baldi, Sadowski, Whiteson (2014) benchmark as a reproducible workflow.
#   snakemake --cores all                               offline default (generated events)
#   snakemake --cores all --configfile config/paper.yaml   full UCI reproduction
from snakemake.utils import min_version, validate

min_version("8.0")


configfile: "config/config.yaml"


validate(config, "workflow/schemas/config.schema.yaml")


envvars:
    "PATH",


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/generate.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/evaluate.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/jets.smk"
include: "workflow/rules/weak.smk"


localrules:
    all,
    tables,
    plot_roc,
    jet_report,
    weak_report,
    manifest,


rule all:
    input:
        all_targets(),
    default_target: True
