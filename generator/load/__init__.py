"""Bytes → a loaded budget: YAML with line marks, read into the model; files of a git revision; YAML written back."""
