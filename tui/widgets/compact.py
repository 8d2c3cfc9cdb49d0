"""Inputs drawn on one line without a frame, so a whole form fits an 80×24 terminal."""

from __future__ import annotations

import functools

from textual.widgets import Input, Select, TextArea

CompactInput = functools.partial(Input, compact=True)
CompactTextArea = functools.partial(TextArea, compact=True)
CompactSelect = functools.partial(Select, compact=True)
