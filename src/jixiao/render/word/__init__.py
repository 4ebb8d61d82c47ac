"""The Word files: docxtpl templates compiled once, table XML, deterministic packages."""
