"""reader: a terminal reading manager for research papers."""

__version__ = "0.1.0"
