"""`python -m mentorjournal`: the same as `mj` (the pre-commit hook relies on it)."""

from mentorjournal.cli.fastpath import main

main()
