"""cramplog: a night-cramp diary and trend analyzer.

Kept import-free on purpose: `cramplog --help` and `cramplog log` must start fast.
"""

__version__ = "0.1.0"
