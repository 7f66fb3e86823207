"""Validation: the rule catalogue, one file's checks, the cross-file and multi-year checks, and the runner."""
