"""authgen's benchmarks: `python benchmarks/run.py` (or `nox -s bench`); see benchmarks/README.md."""
