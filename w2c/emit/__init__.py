"""C emitter, comes with the code-generation issue."""
