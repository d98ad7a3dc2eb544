"""Write a valid journal of any size, for benchmarks and scale tests.

    python benchmarks/generate.py OUT --sessions 10000 [--seed 1] [--no-git]
    python benchmarks/generate.py OUT --pairs 500 [--sessions 20]

The journal follows the SPEC: an agreement, a handful of goals, one session file
per meeting with ~3 KB of notes and action items in all three date syntaxes,
some open and overdue. It is committed to a fresh Git repository unless --no-git.
With --pairs N, OUT is a program: N such journals in OUT/pairs/pair-NNNN/ (--sessions
each, 20 by default), in one repository.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import subprocess
from pathlib import Path

GOALS = ["portfolio", "public-speaking", "systems-thinking", "leadership", "writing", "hiring"]
PEOPLE = ["ana", "ben"]
WORDS = [
    *[
        "review",
        "draft",
        "case",
        "study",
        "feedback",
        "outline",
        "portfolio",
        "talk",
        "practice",
        "read",
        "chapter",
    ],
    *[
        "notes",
        "design",
        "critique",
        "stakeholder",
        "interview",
        "metrics",
        "roadmap",
        "prototype",
        "share",
    ],
    *[
        "schedule",
        "prepare",
        "summary",
        "example",
        "research",
        "plan",
        "write",
        "present",
        "workshop",
    ],
]

AGREEMENT = """---
mentor: {{handle: ben, name: Ben Okafor}}
mentee: {{handle: ana, name: Ana Lima}}
others:
  - {{handle: carla, name: Carla Diaz, role: manager}}
purpose: Grow Ana into a senior designer who leads design reviews with confidence.
start: {start}
review: {review}
cadence: {{every: 2 days, length: 45, mode: video}}
response_time: 2 days
phase: 1
---
# Agreement

## Purpose

A generated journal for benchmarks.
"""


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize()


def item(rng: random.Random, day: dt.date, today: dt.date, still_open: float = 0.1) -> str:
    owner = rng.choice(PEOPLE)
    due = day + dt.timedelta(days=rng.randint(3, 40))
    syntax = rng.randrange(3)
    due_text = (f"due:{due}", f"📅 {due}", f"[due:: {due}]")[syntax]
    goal = f" #{rng.choice(GOALS)}" if rng.random() < 0.5 else ""
    # Recent items are open; of the old ones, ``still_open`` of them are too.
    done = due < today and rng.random() >= still_open
    box = "[x]" if done else "[ ]"
    done_text = f" done:{min(due, today)}" if done else ""
    return f"- {box} @{owner} {sentence(rng, 6)} {due_text}{goal}{done_text}"


def session(rng: random.Random, day: dt.date, today: dt.date, still_open: float = 0.1) -> str:
    goals = rng.sample(GOALS, 2)
    lines = [
        "---",
        f"date: {day}",
        "attendees: [ana, ben]",
        f"kind: {rng.choice(['regular', 'regular', 'check-in', 'retro'])}",
        f"goals: [{', '.join(goals)}]",
        "agenda_by: ana",
        "duration: 45",
        f"ratings: {{{goals[0]}: {rng.randint(1, 5)}}}",
        "---",
        "## Agenda",
        "",
    ]
    lines += [f"1. {sentence(rng, 8)}" for _ in range(4)]
    lines += ["", "## Notes", ""]
    for _ in range(5):
        lines += [" ".join(sentence(rng, 12) + "." for _ in range(4)), ""]
    lines += ["```text", "- [ ] @ana this is code, not an item", "```", "", "## Next actions", ""]
    lines += [item(rng, day, today, still_open) for _ in range(rng.randint(2, 5))]
    return "\n".join(lines) + "\n"


def generate(
    out: Path, sessions: int, seed: int, use_git: bool, still_open: float = 0.1, review: int = 30
) -> None:
    rng = random.Random(seed)
    today = dt.date(2026, 11, 21)
    start = today - dt.timedelta(days=2 * sessions)
    (out / "goals").mkdir(parents=True, exist_ok=True)
    (out / "sessions").mkdir(exist_ok=True)
    (out / "agreement.md").write_text(
        AGREEMENT.format(start=start, review=today + dt.timedelta(days=review)), encoding="utf-8"
    )
    (out / ".gitignore").write_text("private/\n", encoding="utf-8")
    for goal in GOALS:
        (out / "goals" / f"{goal}.md").write_text(
            f"---\ntitle: {goal.replace('-', ' ').title()}\nstatus: active\nopened: {start}\n"
            f"success: Observable result for {goal}\n---\n## Milestones\n\n"
            f"- [x] @ana First step done:{start}\n- [ ] @ana Next step due:{today}\n",
            encoding="utf-8",
        )
    for index in range(sessions):
        day = start + dt.timedelta(days=2 * index)
        slug = "" if index % 7 else "-weekly-sync"
        path = out / "sessions" / f"{day}{slug}.md"
        path.write_text(session(rng, day, today, still_open), encoding="utf-8")
    if use_git:
        commit_all(out)


def generate_program(out: Path, pairs: int, sessions: int, seed: int, still_open: float) -> None:
    """``pairs`` journals under out/pairs/, one repository; a third have their review
    overdue."""
    for number in range(pairs):
        review = -10 if number % 3 == 0 else 30
        folder = out / "pairs" / f"pair-{number:04d}"
        generate(folder, sessions, seed + number, False, still_open, review)
    commit_all(out)


def commit_all(out: Path) -> None:
    """git init OUT and commit everything in it."""
    env = {
        "GIT_AUTHOR_NAME": "Bench",
        "GIT_AUTHOR_EMAIL": "bench@example.org",
        "GIT_COMMITTER_NAME": "Bench",
        "GIT_COMMITTER_EMAIL": "bench@example.org",
        "PATH": "/usr/bin:/bin:/usr/local/bin",
    }
    subprocess.run(["git", "init", "-q", "-b", "main", str(out)], check=True, env=env)
    subprocess.run(["git", "-C", str(out), "add", "--", "."], check=True, env=env)
    subprocess.run(
        ["git", "-C", str(out), "commit", "-q", "--no-verify", "-m", "Generated"],
        check=True,
        env=env,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--sessions", type=int, help="sessions (per pair): 10,000 (20)")
    parser.add_argument("--pairs", type=int, help="write a program of this many journals")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-git", action="store_true")
    parser.add_argument(
        "--still-open",
        type=float,
        default=0.1,
        help="share of past-due items left open: 0.1 gives ~0.4 open items per session "
        "(the default shape), 0.57 gives ~2",
    )
    args = parser.parse_args()
    if args.pairs:
        generate_program(args.out, args.pairs, args.sessions or 20, args.seed, args.still_open)
    else:
        generate(args.out, args.sessions or 10_000, args.seed, not args.no_git, args.still_open)


if __name__ == "__main__":
    main()
