"""mnistviz: draw a digit, watch a small CNN's feature maps and probabilities live."""

__version__ = "0.1.0"
