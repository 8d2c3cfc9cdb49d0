"""The operator console: a Textual app over the same core services as the web.

Imported as `boxinterview.tui`; start it with `boxinterview console`.
"""
