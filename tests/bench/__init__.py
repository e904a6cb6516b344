"""`make bench`: the tracker at scale against the bare stack, in one command.

Run as ``python -m tests.bench [--scale small|default] [--output DIR]``.
"""
