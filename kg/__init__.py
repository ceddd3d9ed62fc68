"""Arabic conflict-news knowledge-graph builder."""

__version__ = "0.2.0"
