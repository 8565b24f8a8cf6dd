"""Tables of the badges package."""
