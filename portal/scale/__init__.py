"""Scale data for benchmarks: ``generate-data`` (a realistic import file) and a bulk loader used by ``bench/``."""
