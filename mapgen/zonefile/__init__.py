"""Reading zone files: safe file access, strict YAML with positions, and validation into the model."""
