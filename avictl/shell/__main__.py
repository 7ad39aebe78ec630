"""`python -m avictl.shell`: regenerate completions/ and man/ (see avictl.shell.generate)."""

import sys

from .generate import main

sys.exit(main(sys.argv[1:]))
