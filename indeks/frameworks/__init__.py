"""The framework data files shipped with Indeks (one YAML file per regulation)."""
