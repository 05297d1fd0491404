"""The wizard's widgets, one per file."""
