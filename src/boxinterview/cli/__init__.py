"""The `boxinterview` command: its parser, its subcommands and the demo it sets up."""
