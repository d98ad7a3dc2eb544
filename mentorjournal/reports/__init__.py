"""What the reports say, computed once from a journal (status, summary, history)."""
