"""Try the tool without an LMS: demo data and the demo launcher."""
