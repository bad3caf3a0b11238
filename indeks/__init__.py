"""Indeks: the open platform for the Indonesian digital-government evaluation."""

__version__ = "0.1.0"
