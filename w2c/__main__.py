"""`python -m w2c` runs the command-line interface."""
from w2c.cli import main

main()
