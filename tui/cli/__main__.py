"""``python -m tui.cli``."""

import sys

from tui.cli.dispatch import main

sys.exit(main())
