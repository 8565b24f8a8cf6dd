"""Tables of the practical package."""
