"""Step 26: taken by another change that is not merged here yet (the interview's media). This stand-in keeps
the steps numbered without a gap; it is replaced by that step when both are merged, and changes nothing."""

DESCRIPTION = "reserved for the interview's media (changes nothing)"

SQL = """
        SELECT 1;
        """
