"""Business rules, one module per feature. Nothing here imports discord."""
