"""mentoring models (see docs/architecture.md)."""
