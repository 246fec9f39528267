"""Instructor-side pieces of nettrain that plug into nbgrader (students never import this package)."""
