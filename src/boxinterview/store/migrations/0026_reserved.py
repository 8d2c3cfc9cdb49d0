"""Step 26: taken by changes made on another branch and not merged here. This stand-in keeps the steps numbered
without a gap and changes nothing; it is dropped when those steps are merged (and the webhook step then takes the
next free number)."""

DESCRIPTION = "reserved for a step merged from another branch (changes nothing)"

SQL = """
        SELECT 1;
        """
