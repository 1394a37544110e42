"""Troubleshooting entries and synonyms as TOML data files (a package so they ship in wheels)."""
