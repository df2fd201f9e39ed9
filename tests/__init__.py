"""Test suites; a package so tests.factories and tests.peers import from anywhere."""
