"""forums models (see docs/architecture.md)."""
