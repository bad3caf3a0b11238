"""The pure-Python core of Indeks: framework model, index engine, stage resolution.

Nothing in this package imports Django; the web platform, the command line and the benchmarks all call it.
"""
