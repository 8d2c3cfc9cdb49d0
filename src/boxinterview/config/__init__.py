"""Settings: one validated object from YAML and the environment, and YAML that remembers its lines."""
