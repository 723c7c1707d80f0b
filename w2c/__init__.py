"""w2c: an ahead-of-time WebAssembly-to-C compiler.

Pipeline: decode (w2c.parse.decode) -> validate (w2c.parse.validate) ->
name -> emit (w2c.emit).  Each stage is a function over the plain dataclasses
of w2c.module.
"""

__version__ = "0.1.0"
