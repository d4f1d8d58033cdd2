"""Tests of the brand registry: data validity, spec derivation, fleets, CLI, end to end."""
