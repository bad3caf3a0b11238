"""Views of the self-assessment, one module per page group. Thin: they call selectors and services."""
