"""Tables of the self_assessment package."""
