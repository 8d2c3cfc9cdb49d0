from __future__ import annotations

import sys

from boxinterview.cli import main

sys.exit(main())
