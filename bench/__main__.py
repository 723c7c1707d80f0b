"""`python -m bench`: the program benchmark (bench/run.py)."""
import sys

from bench.run import main

sys.exit(main())
