"""End-to-end tests of real programs built with other toolchains (tests/programs/src/)."""
