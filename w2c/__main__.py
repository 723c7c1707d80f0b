"""`python -m w2c` runs the command-line interface (through w2c.quickrun's fast path)."""
from w2c.quickrun import main

main()
