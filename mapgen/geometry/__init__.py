"""Shapes: each zone version drawn from its extent or derived from another, measured in an equal-area projection."""
