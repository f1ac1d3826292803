"""statsmini: tiny statistics helpers."""
from .core import convolve, mean, median

__all__ = ["convolve", "mean", "median"]
__version__ = "0.3.1"
