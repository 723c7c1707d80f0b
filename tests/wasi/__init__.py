"""Tests of WASI preview1 support (runtime_c/wasi/)."""
