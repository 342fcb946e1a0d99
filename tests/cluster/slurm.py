"""A throw-away one-node SLURM cluster (munged, slurmctld, slurmd) for integration tests, as root.

    with SlurmCluster(tmpdir) as cluster:
        env = cluster.env   # SLURM_CONF for sbatch/squeue
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

CONF = """\
ClusterName=hepmltest
SlurmctldHost={host}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
ReturnToService=2
MinJobAge=600
SchedulerType=sched/backfill
SlurmctldPort={ctld_port}
SlurmdPort={d_port}
SlurmctldPidFile={state}/slurmctld.pid
SlurmdPidFile={state}/slurmd.pid
SlurmctldLogFile={state}/slurmctld.log
SlurmdLogFile={state}/slurmd.log
StateSaveLocation={state}/ctld
SlurmdSpoolDir={state}/d
NodeName={host} CPUs={cpus} RealMemory={mem} State=UNKNOWN
PartitionName=main Nodes={host} Default=YES MaxTime=INFINITE State=UP
"""


def why_not_available() -> str | None:
    """None when a local cluster can be started here, else the reason."""
    if os.geteuid() != 0:
        return "needs root to run munged, slurmctld and slurmd"
    missing = [t for t in ("munged", "slurmctld", "slurmd", "sbatch", "squeue") if not shutil.which(t)]
    if missing:
        return f"SLURM is not installed (missing {', '.join(missing)}; bash .ci/setup installs it as root)"
    return None


def set_up_here(root: Path) -> bool:
    """Whether .ci/setup installed SLURM on this machine (its marker): the test must then run, not skip."""
    return (Path(root) / ".venv" / ".hepml-slurm").exists()


class SlurmCluster:
    def __init__(self, workdir: Path, cpus: int | None = None):
        self.dir = Path(workdir)
        self.host = socket.gethostname().split(".")[0]
        self.cpus = cpus or os.cpu_count() or 1
        self.conf = self.dir / "slurm.conf"
        self.env = {**os.environ, "SLURM_CONF": str(self.conf)}
        self._procs: list[subprocess.Popen] = []
        self._started_munge = self._linked_etc = False

    def _free_port(self) -> int:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    def __enter__(self) -> "SlurmCluster":
        state = self.dir / "state"
        for sub in ("ctld", "d", "munge"):
            (state / sub).mkdir(parents=True, exist_ok=True)
        mem = int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20 * 0.8)
        self.conf.write_text(CONF.format(host=self.host, cpus=self.cpus, mem=mem, state=state,
                                         ctld_port=self._free_port(), d_port=self._free_port()))
        # srun inside batch jobs looks for the default path, whatever SLURM_CONF said at submission
        self._etc_conf = Path("/etc/slurm/slurm.conf")
        self._linked_etc = not self._etc_conf.exists()
        if self._linked_etc:
            self._etc_conf.parent.mkdir(parents=True, exist_ok=True)
            self._etc_conf.symlink_to(self.conf)
        if not Path("/etc/munge/munge.key").exists():
            raise RuntimeError("/etc/munge/munge.key is missing: bash .ci/setup creates it (as root)")
        Path("/run/munge").mkdir(parents=True, exist_ok=True)   # a tmpfs: gone after every reboot
        if subprocess.run(["pgrep", "-x", "munged"], capture_output=True).returncode != 0:
            self._started_munge = True
            subprocess.run(["munged", "--force"], check=True, capture_output=True)
        else:
            self._started_munge = False
        for daemon in ("slurmctld", "slurmd"):
            self._procs.append(subprocess.Popen([daemon, "-D", "-f", str(self.conf)], env=self.env,
                                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        deadline = time.time() + 60
        while time.time() < deadline:
            out = subprocess.run(["sinfo", "-h", "-o", "%T"], env=self.env, capture_output=True, text=True)
            if out.returncode == 0 and out.stdout.strip() in ("idle", "mixed", "allocated"):
                return self
            time.sleep(0.5)
        self.__exit__(None, None, None)
        log = (state / "slurmctld.log").read_text()[-2000:] if (state / "slurmctld.log").exists() else ""
        raise RuntimeError(f"local SLURM cluster did not come up; slurmctld log:\n{log}")

    def __exit__(self, *exc) -> None:
        subprocess.run(["scancel", "--user", "root"], env=self.env, capture_output=True)
        for proc in reversed(self._procs):
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        if self._started_munge:
            subprocess.run(["pkill", "-x", "munged"], capture_output=True)
        if self._linked_etc:
            self._etc_conf.unlink(missing_ok=True)
