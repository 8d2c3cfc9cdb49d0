"""E-mail: messages composed from Jinja2 templates (text and HTML), queued in the outbox in the same transaction
as the change that causes them, and delivered over SMTP by the sender loop."""
