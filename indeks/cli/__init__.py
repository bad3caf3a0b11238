"""The `indeks` command line: thin wrappers around :mod:`indeks.core`."""
