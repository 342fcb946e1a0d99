# hepml: the Baldi, Sadowski, Whiteson (2014) benchmark as a reproducible workflow.
#   snakemake --cores all                                  offline default (generated events)
#   snakemake --cores all --configfile config/paper.yaml   full UCI reproduction
from snakemake.utils import min_version

from hepml.config import validate_config

min_version("8.0")


configfile: "config/config.yaml"


# Every default is in the schema; a wrong value stops here, before any job, naming the key.
validate_config(config, "workflow/schemas/config.schema.yaml", workflow.basedir)


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
