"""LTI use cases, one module per concern."""
