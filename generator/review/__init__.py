"""The figure diff of two revisions and its forms (text, the pull-request comment, JSON)."""
