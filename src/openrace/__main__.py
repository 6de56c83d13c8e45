"""``python -m openrace`` runs the CLI."""

import sys

from openrace.cli import main

sys.exit(main())
