"""Tests of the WASI preview1 C implementation (runtime_c/wasi/)."""
