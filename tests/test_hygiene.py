"""The suite writes only under temporary directories: everything it starts sees a private home."""

import os
import pwd
import subprocess
import sys
import tempfile
from pathlib import Path


def test_the_suite_and_what_it_starts_see_a_private_temporary_home():
    real = pwd.getpwuid(os.getuid()).pw_dir
    home = os.environ["HOME"]
    assert home != real and Path(home).resolve().is_relative_to(Path(tempfile.gettempdir()).resolve())
    child = subprocess.run([sys.executable, "-c", "import os, matplotlib; print(os.path.expanduser('~'));"
                            "print(matplotlib.get_configdir())"], capture_output=True, text=True, check=True)
    assert child.stdout.split() == [home, f"{home}/.config/matplotlib"]
