"""Request handlers: parse, call the core, render. No SQL and no business rules here."""
