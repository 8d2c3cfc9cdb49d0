from __future__ import annotations

import sys

from boxinterview.cli.main import main

sys.exit(main())
