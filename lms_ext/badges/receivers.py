"""Badges follow progress: a completed run earns the module version's badge."""
