"""Benchmarks: measurements on a generated national-scale dataset, run by hand (`make bench`)."""
