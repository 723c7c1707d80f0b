"""Build-system integration: w2c's CMake package, Make fragment and target-info."""
