"""mentorjournal: a mentorship kept in plain text over Git."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
