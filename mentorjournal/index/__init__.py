"""The only way a command reads a journal: records by blob id, and views over them."""
