"""Boundaries and towns: the packaged extracts, reading them, and rebuilding them from their registry packages."""
