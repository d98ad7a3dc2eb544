"""Every write of a user's file: one compare-and-swap writer, and what it writes."""
