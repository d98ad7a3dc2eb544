"""Every git call mj makes: reads, writes, sync, and the pre-commit hook."""
