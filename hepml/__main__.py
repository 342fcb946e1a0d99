"""``python -m hepml``: the ``hepml`` command."""

import sys

from .command import main

sys.exit(main())
