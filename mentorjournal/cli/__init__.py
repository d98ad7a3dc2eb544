"""The command line: click commands (app), and the click-free fast path (fast)."""
