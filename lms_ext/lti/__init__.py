"""The LTI 1.3 / Advantage edge: platforms, launches, deep linking, grades, roster."""
