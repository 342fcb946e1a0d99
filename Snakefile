# hepml: reproducible deep learning for high-energy physics as one pipeline for every study.
#   snakemake --cores all                                  offline default (generated events)
#   snakemake --cores all --configfile config/paper.yaml   full UCI reproduction
from snakemake.utils import min_version

from hepml.core.config import validate_config

min_version("8.0")


configfile: "config/config.yaml"


# Every default is in the schema; a wrong value stops here, before any job, naming the key.
validate_config(config, "workflow/schemas/config.schema.yaml", workflow.basedir)


report: "workflow/report/workflow.rst"


envvars:
    "PATH",


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/pipeline.smk"
include: "workflow/rules/report.smk"


localrules:
    all,
    tables,
    manifest,


rule all:
    input:
        all_targets(),
    default_target: True
