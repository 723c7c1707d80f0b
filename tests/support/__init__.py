"""Support shared by tests and bench: wasmbin (a wasm binary writer and
reader), ctool (C compilers: find, build, run, check reports)."""
