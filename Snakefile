# hepml: reproducible deep learning for high-energy physics as one pipeline for every study.
#   snakemake --cores all                                  offline default (generated events)
#   snakemake --cores all --configfile config/paper.yaml   full UCI reproduction
import shlex
import sys

from snakemake.utils import min_version

# The workflow runs its own hepml (the one beside this Snakefile), here and in every job, even when
# the environment has another checkout installed (a shared editable install).
sys.path.insert(0, workflow.basedir)
from hepml.core.provenance import check_own_package, code_version

check_own_package(workflow.basedir)
from hepml.core.config import check_config_files, validate_config
from hepml.core.device import cpu_isa_environment
from hepml.core.version_lock import check_version, write_version_lock

min_version("8.0")


configfile: "config/config.yaml"


# Every default is in the schema; a wrong value stops here, before any job, naming the key.
check_config_files(workflow.configfiles)
validate_config(config, "workflow/schemas/config.schema.yaml", workflow.basedir)
# Every job: this workflow's hepml first on the path; the CPU kernels capped as training.cpu_isa says.
# (Snakemake formats the prefix as it formats commands: {{ }} there is one literal brace.)
shell.prefix(f"set -euo pipefail; export PYTHONPATH={shlex.quote(workflow.basedir)}${{{{PYTHONPATH:+:$PYTHONPATH}}}}; "
             + "".join(f"export {k}={v}; " for k, v in cpu_isa_environment(config["training"]["cpu_isa"]).items()))
# One version, one config: a run into results/<version> made with other values stops here.
check_version(config, f"results/{config['version']}")


onstart:
    write_version_lock(config, f"results/{config['version']}", code_version(workflow.basedir))


report: "workflow/report/workflow.rst"


envvars:
    "PATH",


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/pipeline.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/systematics.smk"


localrules:
    all,
    tables,
    manifest,
    record_list,
    history_list,
    hepdata_list,
    variation_list,


rule all:
    message:
        job_message("every result of the run is up to date")
    input:
        all_targets(),
    default_target: True


# Named targets: `snakemake --cores all benchmark_higgs` runs what one study on one dataset needs
# (see named_targets in workflow/rules/common.smk); `snakemake --list-target-rules` lists them.
for _name, _files in named_targets().items():

    rule:
        name:
            _name
        message:
            job_message(f"{_name}: up to date")
        input:
            _files,
        localrule: True
