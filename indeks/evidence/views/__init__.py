"""Pages of the evidence context."""
