"""``python -m qa``: the same command line as the ``qa`` script."""

import sys

from .cli import command

sys.exit(command())
