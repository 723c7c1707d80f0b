"""The test suite (a package, so that test support is `tests.support` for
tests, bench and scripts alike)."""
