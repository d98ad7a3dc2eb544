"""Measure the speed targets (issues 5, 10 and 13) as ratios of medians against a reference.

    python benchmarks/bench.py [--sessions 10000] [--runs 7] [--journal DIR] [--only NAME]
    python benchmarks/bench.py --only program [--pairs 500] [--program DIR]

Each target runs mj and its reference command alternately in one loop, so that
machine noise hits both alike, and reports both medians and their ratio. Needs
`rg` (Debian's ripgrep) and `check-jsonschema` (pip install '.[bench]'); a
target whose reference is missing is reported as skipped.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).parent
BIN = Path(sys.executable).parent
MJ = str(BIN / "mj")
TASK_LINE = r"^\s*([-*+]|\d+[.)])\s+\[[ xX-]\]"


PEAK_KB = [0]  # the largest resident set of any mj process measured so far


def timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    """Wall time of one run; the peak memory of mj's own processes is kept in PEAK_KB."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, _, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = 0  # reaped by wait4 above
    if command[0] == MJ:
        PEAK_KB[0] = max(PEAK_KB[0], usage.ru_maxrss)
    return elapsed


def compare(
    name: str,
    target: float,
    runs: int,
    mine: Callable[[], float],
    reference: Callable[[], float],
    reference_name: str,
) -> bool:
    mj_times, ref_times = [], []
    for _ in range(runs):
        mj_times.append(mine())
        ref_times.append(reference())
    mj_median, ref_median = statistics.median(mj_times), statistics.median(ref_times)
    ratio = mj_median / ref_median
    met = ratio <= target
    print(
        f"{'MET ' if met else 'MISS'} {name:<44} mj {mj_median * 1000:8.1f} ms  "
        f"{reference_name} {ref_median * 1000:8.1f} ms  ratio {ratio:5.2f}x (target <= {target}x)"
    )
    return met


def staged_target(journal: Path, runs: int, python_pass: list[str]) -> bool:
    """A commit's check: one note, different each time, staged in the big journal."""
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    subprocess.run([MJ, "validate", "--staged"], cwd=journal, check=False, **quiet)
    staged = journal / "sessions" / "2099-01-01.md"
    counter = [0]

    def stage_then_check() -> float:
        counter[0] += 1
        staged.write_text(
            "---\ndate: 2099-01-01\nattendees: [ana, ben]\n---\n"
            f"- [ ] @ana Prepare the next step, take {counter[0]}\n"
        )
        subprocess.run(["git", "add", "--", str(staged)], cwd=journal, check=True)
        return timed([MJ, "validate", "--staged"], journal)

    met = compare(
        "mj validate --staged, one changed staged note",
        10.0,
        runs,
        stage_then_check,
        lambda: timed(python_pass, journal),
        "python -c pass",
    )
    subprocess.run(["git", "rm", "-q", "-f", "--cached", "--", str(staged)], cwd=journal)
    staged.unlink()
    return met


def git_commit_targets(journal: Path, runs: int) -> list[bool]:
    """`mj commit` and `git commit` through the installed hook, each against
    `git commit --no-verify` of the same kind of change (one note, new each time)."""
    env = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "b@example.org"}
    env |= {"GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "b@example.org"}
    counter = [0]

    def new_note() -> Path:
        counter[0] += 1
        note = journal / "sessions" / f"2099-01-01-take-{counter[0]}.md"
        note.write_text(
            "---\ndate: 2099-01-01\nattendees: [ana, ben]\n---\n"
            f"- [ ] @ana Prepare the next step, take {counter[0]}\n"
        )
        return note

    def staged_commit(*extra: str) -> float:
        note = new_note()
        subprocess.run(["git", "add", "--", str(note)], cwd=journal, check=True)
        return timed(["git", "commit", "-q", *extra, "-m", "bench"], journal, env)

    def mj_commit() -> float:
        new_note()
        return timed([MJ, "commit", "-m", "bench"], journal, env)

    subprocess.run([MJ, "hook", "install"], cwd=journal, check=True, stdout=subprocess.DEVNULL)
    staged_commit()  # the first check leaves its snapshot behind
    results = [
        compare(
            "git commit, one new note, installed hook",
            3.0,
            runs,
            staged_commit,
            lambda: staged_commit("--no-verify"),
            "git commit --no-verify",
        ),
        compare(
            "mj commit, one new note",
            4.0,
            runs,
            mj_commit,
            lambda: staged_commit("--no-verify"),
            "git commit --no-verify",
        ),
    ]
    subprocess.run([MJ, "hook", "uninstall"], cwd=journal, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["git", "reset", "-q", "--hard", "HEAD~" + str(counter[0])], cwd=journal)
    return results


def authoring_targets(journal: Path, runs: int, reference: Callable[[], float]) -> list[bool]:
    """`mj done` (a different item each run), `mj add` (a new item in the latest session
    each run) and `mj new session` (a new file each run)."""
    listed = subprocess.run(
        [MJ, "status", "--json"], cwd=journal, capture_output=True, text=True, check=True
    )
    ids = [item["id"] for item in json.loads(listed.stdout)["open"]][: runs + 1]
    counter = [0]

    def done() -> float:
        counter[0] += 1
        return timed([MJ, "done", ids[counter[0] % len(ids)]], journal)

    def add() -> float:
        counter[0] += 1
        return timed([MJ, "add", f"Bench item {counter[0]}", "--owner", "ana"], journal)

    def new_session() -> float:
        counter[0] += 1
        return timed([MJ, "new", "session", "--slug", f"bench-{counter[0]}"], journal)

    results = [
        compare("mj done ID", 3.0, runs, done, reference, "rg -n"),
        compare("mj add TEXT", 3.0, runs, add, reference, "rg -n"),
        compare("mj new session", 3.0, runs, new_session, reference, "rg -n"),
    ]
    subprocess.run(["git", "checkout", "-q", "--", "."], cwd=journal, check=True)
    subprocess.run(["git", "clean", "-q", "-f", "--", "sessions"], cwd=journal, check=True)
    return results


def program_targets(program: Path, runs: int, rg: str | None, checker: str | None) -> list[bool]:
    """`mj program --format json` over a program (generate.py --pairs): warm, after one
    note changed in one pair (a different edit each run), and cold."""
    command = [MJ, "program", "--format", "json"]
    cache_dir = program / ".git" / "mentorjournal"
    results = []
    if rg:
        timed(command, program)
        time.sleep(2.1)  # past the racy window of the folders just listed
        timed(command, program)

        def rg_run() -> float:
            return timed([rg, "-n", TASK_LINE, "."], program)

        warm = compare("mj program --format json, warm", 2.0, runs, lambda: timed(command, program),
                       rg_run, "rg -n")  # fmt: skip
        note = sorted((program / "pairs" / "pair-0007" / "sessions").iterdir())[-1]
        original = note.read_bytes()
        counter = [0]

        def edit_then_program() -> float:
            counter[0] += 1
            note.write_bytes(original + f"\n- [ ] @ana Edit {counter[0]} due:2026-12-01\n".encode())
            return timed(command, program)

        edited = compare("mj program --format json after editing one note", 3.0, runs,
                         edit_then_program, rg_run, "rg -n")  # fmt: skip
        note.write_bytes(original)
        results += [warm, edited]
    if checker:
        # Every file's front matter, each kind against its own schema, in chunks as xargs would.
        front = program.parent / "program-front-matter"
        shutil.rmtree(front, ignore_errors=True)
        files: dict[str, list[str]] = {"agreement": [], "goal": [], "session": []}
        for number, path in enumerate(sorted(program.glob("pairs/*/**/*.md"))):
            kind = {"sessions": "session", "goals": "goal"}.get(path.parent.name, "agreement")
            target = front / kind / f"{number}.yaml"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(path.read_text(encoding="utf-8").split("---\n")[1], encoding="utf-8")
            files[kind].append(str(target))

        def check_all() -> float:
            return sum(
                timed(
                    [
                        checker,
                        "--schemafile",
                        str(HERE.parent / "schema" / f"{kind}.schema.json"),
                        *names[i : i + 5000],
                    ],
                    program,
                )
                for kind, names in files.items()
                for i in range(0, len(names), 5000)
            )

        def cold() -> float:
            shutil.rmtree(cache_dir, ignore_errors=True)
            return timed(command, program)

        results.append(compare("mj program --format json, cold (no cache)", 0.5,
                               max(3, runs // 2), cold, check_all, "check-jsonschema"))  # fmt: skip
        shutil.rmtree(front, ignore_errors=True)
    return results


GROUPS = [
    *("status", "reports", "calendar", "authoring", "commit", "validate", "staged"),
    *("help", "program"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--journal", type=Path, help="use this generated journal")
    parser.add_argument("--pairs", type=int, default=500, help="pairs of the generated program")
    parser.add_argument("--program", type=Path, help="use this generated program (--pairs)")
    parser.add_argument(
        "--still-open",
        type=float,
        default=0.1,
        help="generated journal's share of past-due items left open (0.1: ~0.4 open "
        "items per session; 0.57: ~2)",
    )
    parser.add_argument(
        "--only", choices=GROUPS, action="append", help="run only these targets (repeatable)"
    )
    args = parser.parse_args()
    wanted = set(args.only or GROUPS)
    package = HERE.parent / "mentorjournal"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)

    workdir = Path(tempfile.mkdtemp(prefix="mj-bench-"))
    rg = shutil.which("rg")
    checker = shutil.which("check-jsonschema") or (
        str(BIN / "check-jsonschema") if (BIN / "check-jsonschema").exists() else None
    )
    results: list[bool] = []
    if "program" in wanted:
        program = args.program or workdir / "program"
        if args.program is None:
            print(f"generating a program of {args.pairs} pairs x 20 sessions ...", flush=True)
            subprocess.run(
                [sys.executable, str(HERE / "generate.py"), str(program), "--pairs",
                 str(args.pairs), "--sessions", "20"],
                check=True,
            )  # fmt: skip
        results += program_targets(program, args.runs, rg, checker)
        wanted.discard("program")
    if not wanted:
        print(f"\npeak memory of any mj run: {PEAK_KB[0] / 1024:.0f} MB (target <= 100 MB)")
        print(f"{sum(results)} of {len(results)} targets met")
        shutil.rmtree(workdir, ignore_errors=True)
        return
    journal = args.journal or workdir / "journal"
    if args.journal is None:
        print(f"generating {args.sessions} sessions in {journal} ...", flush=True)
        subprocess.run(
            [
                sys.executable,
                str(HERE / "generate.py"),
                str(journal),
                "--sessions",
                str(args.sessions),
                "--still-open",
                str(args.still_open),
            ],
            check=True,
        )
    size = sum(p.stat().st_size for p in (journal / "sessions").iterdir())
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; journal: {args.sessions} sessions, {size / 1e6:.0f} MB"
    )
    cache_dir = journal / ".git" / "mentorjournal"
    python_pass = [sys.executable, "-c", "pass"]

    # "Warm" means no folder changed in the last 2 s: within that window (git's racy
    # window) mj walks the journal again on every run, as it must after a file was
    # created or deleted, and the snapshot is settled only after it.
    time.sleep(2.1)
    subprocess.run([MJ, "status", "--json"], cwd=journal, stdout=subprocess.DEVNULL, check=True)
    rg_cmd = [rg or "rg", "-n", TASK_LINE, "."]

    def rg_run() -> float:
        return timed(rg_cmd, journal)

    if not rg:
        print("SKIP targets against rg: rg not found (apt-get install ripgrep)")
    if rg and "status" in wanted:
        results.append(
            compare(
                "mj status --json, warm",
                1.3,
                args.runs,
                lambda: timed([MJ, "status", "--json"], journal),
                rg_run,
                "rg -n",
            )
        )
        note = sorted((journal / "sessions").iterdir())[-1]
        original = note.read_bytes()
        counter = [0]

        def edit_then_status() -> float:
            counter[0] += 1
            note.write_bytes(original + f"\nedit {counter[0]}\n".encode())
            return timed([MJ, "status", "--json"], journal)

        results.append(
            compare(
                "mj status --json after editing one note",
                3.0,
                args.runs,
                edit_then_status,
                rg_run,
                "rg -n",
            )
        )
        note.write_bytes(original)
    if rg and "reports" in wanted:
        for output in ("json", "html"):
            command = [MJ, "summary", "--format", output]
            timed(command, journal)  # warm: the first run after the status targets settles
            results.append(
                compare(
                    f"mj summary --format {output}, warm",
                    3.0,
                    args.runs,
                    lambda command=command: timed(command, journal),  # type: ignore[misc]
                    rg_run,
                    "rg -n",
                )
            )
    if rg and "calendar" in wanted:
        command = [MJ, "calendar"]
        timed(command, journal)  # the first run builds the feed and keeps it
        results.append(
            compare(
                "mj calendar, warm",
                3.0,
                args.runs,
                lambda: timed(command, journal),
                rg_run,
                "rg -n",
            )
        )
    if rg and "authoring" in wanted:
        results += authoring_targets(journal, args.runs, rg_run)
    if "commit" in wanted:
        results += git_commit_targets(journal, args.runs)

    if "validate" not in wanted:
        pass
    elif checker:
        front = workdir / "front-matter"
        front.mkdir(exist_ok=True)
        for path in (journal / "sessions").iterdir():
            text = path.read_text(encoding="utf-8")
            (front / (path.stem + ".yaml")).write_text(text.split("---\n")[1], encoding="utf-8")
        files = [str(p) for p in front.iterdir()]
        schema = str(HERE.parent / "schema" / "session.schema.json")

        def cold_validate() -> float:
            shutil.rmtree(cache_dir, ignore_errors=True)
            return timed([MJ, "validate"], journal)

        results.append(
            compare(
                "mj validate, cold (no cache)",
                0.25,
                max(3, args.runs // 2),
                cold_validate,
                lambda: sum(
                    # Chunks, as xargs would: 50,000 names overflow one command line.
                    timed([checker, "--schemafile", schema, *files[i : i + 5000]], journal)
                    for i in range(0, len(files), 5000)
                ),
                "check-jsonschema",
            )
        )
    else:
        print("SKIP cold validate target: check-jsonschema not found (pip install '.[bench]')")

    if "staged" in wanted:
        results.append(staged_target(journal, args.runs, python_pass))

    if "help" in wanted:
        results.append(
            compare(
                "mj --help",
                4.0,
                args.runs,
                lambda: timed([MJ, "--help"], journal),
                lambda: timed(python_pass, journal),
                "python -c pass",
            )
        )
    print(f"\npeak memory of any mj run: {PEAK_KB[0] / 1024:.0f} MB (target <= 100 MB)")
    print(f"{sum(results)} of {len(results)} targets met")
    shutil.rmtree(workdir, ignore_errors=True) if args.journal is None else None


if __name__ == "__main__":
    main()
