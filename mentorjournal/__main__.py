"""`python -m mentorjournal`: the same as `mj`."""

from mentorjournal.cli.fastpath import main

main()
