"""`mj summary` for the terminal: one block per goal, then cadence, actions, agreement."""

from __future__ import annotations

from itertools import groupby

from mentorjournal.audience import PARTS
from mentorjournal.render.terminal import Palette, plural, printable
from mentorjournal.reports.cadence import Cadence
from mentorjournal.reports.summary import AgreementSummary, GoalSummary, Summary
from mentorjournal.reports.summary_actions import Actions

BAR_WIDTH = 20


def bar(fraction: float | None, width: int = BAR_WIDTH) -> str:
    if fraction is None:
        return "·" * width
    filled = round(fraction * width)
    return "█" * filled + "░" * (width - filled)


def ratings_line(goal: GoalSummary) -> str:
    """``2 → 3 → 4`` with repeats folded: how the self-rating moved."""
    return " → ".join(str(value) for value, _ in groupby(value for _, value in goal.ratings))


def target_phrase(goal: GoalSummary) -> str:
    if goal.target is None or goal.days_to_target is None:
        return "no target"
    days = goal.days_to_target
    if goal.status in ("achieved", "dropped"):
        return f"target {goal.target}"
    if days < 0:
        return f"target {goal.target} ({-days}d past)"
    return f"target {goal.target} (in {days}d)"


def withheld(summary: Summary) -> str:
    """The parts the audience may not see, in words ("" when it sees them all)."""
    missing = [part for part in PARTS if part not in summary.parts]
    return f"not shared with this audience: {', '.join(missing)}" if missing else ""


def _goal_counts(goal: GoalSummary, paint: Palette) -> str:
    """``actions 1 open, 2 done, 1 overdue; discussed in 3 session(s), last ...``, of the
    parts the audience sees."""
    said = []
    if goal.actions_open is not None:
        said.append(f"actions {goal.actions_open} open, {goal.actions_done} done")
        if goal.actions_overdue:
            said[-1] += ", " + paint(f"{goal.actions_overdue} overdue", "red")
    if goal.sessions is not None:
        said.append(f"discussed in {plural(goal.sessions, 'session')}")
        if goal.last_discussed:
            said[-1] += f", last {goal.last_discussed}"
    return "; ".join(said)


def summary_text(summary: Summary, paint: Palette) -> str:
    out = [
        paint("Mentorship summary", "bold")
        + f"  {summary.since} to {summary.until}"
        + (paint("  (sponsor view)", "dim") if summary.audience == "sponsor" else ""),
    ]
    if withheld(summary):
        out.append(paint(withheld(summary), "dim"))
    if summary.goals is not None:
        out += ["", paint("Goals", "bold")]
        out += _goals(summary.goals, paint)
    if summary.cadence is not None:
        out += ["", paint("Cadence", "bold")]
        out += _cadence(summary.cadence, summary.until)
    if summary.actions is not None:
        out += ["", paint("Actions", "bold")]
        out += _actions(summary.actions, paint)
    out += ["", paint("Agreement", "bold")]
    out += _agreement(summary.agreement, paint)
    if summary.retrospectives:
        out += ["", paint("Retrospectives", "bold")]
        for retro in summary.retrospectives:
            note = " (confidential)" if retro.confidential else ""
            out.append(f"  {retro.date} {retro.kind}{note}")
            out.extend(f"    - {printable(decision)}" for decision in retro.decisions)
    return "\n".join(out)


def _goals(goals: tuple[GoalSummary, ...], paint: Palette) -> list[str]:
    out = []
    status_colour = {"active": "green", "achieved": "cyan", "paused": "yellow", "dropped": "dim"}
    for goal in goals:
        done = f"{goal.milestones_done}/{goal.milestones_total}"
        status = paint(printable(goal.status), status_colour.get(goal.status, "dim"))
        out.append(f"  {paint(printable(goal.title), 'bold')}  {status}  {paint(goal.id, 'dim')}")
        out.append(f"    {bar(goal.progress)}  {done} milestones  {target_phrase(goal)}")
        counts = _goal_counts(goal, paint)
        if counts:
            out.append(f"    {counts}")
        if goal.ratings:
            out.append(f"    self-rating {ratings_line(goal)}  (latest {goal.ratings[-1][1]}/5)")
    if not goals:
        out.append("  no goals yet: add one with `mj new goal ID --title ...`")
    return out


def rhythm(cadence: Cadence) -> str:
    """``biweekly``, or ``biweekly, then monthly`` when the cadence changed in the window."""
    agreed = (phase.every or "no readable cadence" for phase in cadence.phases)
    named = [every for every, _ in groupby(agreed)]
    return ", then ".join(named) if named else cadence.every or ""


def phase_lines(cadence: Cadence) -> list[str]:
    """One line per phase when there is more than one: its dates and its own counts."""
    if len(cadence.phases) < 2:
        return []
    return [
        f"{p.every or 'no readable cadence'}"
        + (f" (phase {p.phase})" if p.phase is not None else "")
        + f", {p.start} to {p.end}: {p.held} held of {p.expected} expected"
        for p in cadence.phases
    ]


def _cadence(cadence: Cadence, until: str) -> list[str]:
    kept = f"{cadence.held} held of {cadence.expected} expected"
    out = [f"  {kept}" + (f" ({printable(rhythm(cadence))})" if rhythm(cadence) else "")]
    out += [f"    {printable(line)}" for line in phase_lines(cadence)]
    if cadence.longest_gap_days is not None:
        out.append(f"  longest gap {plural(cadence.longest_gap_days, 'day')}")
    if cadence.days_since_last == 0:
        out.append(f"  last session on {until}")
    elif cadence.days_since_last is not None:
        import datetime as dt

        last = dt.date.fromisoformat(until) - dt.timedelta(days=cadence.days_since_last)
        ago = f"{plural(cadence.days_since_last, 'day')} before {until}"
        out.append(f"  last session {last.isoformat()} ({ago})")
    if cadence.agenda_by:
        led = ", ".join(f"@{h} ({plural(n, 'session')})" for h, n in cadence.agenda_by)
        out.append(f"  agenda set by {led}")
    if cadence.confidential:
        confidential = plural(cadence.confidential, "confidential session")
        out.append(f"  {confidential}, counted, not quoted")
    return out


def _actions(actions: Actions, paint: Palette) -> list[str]:
    line = f"  {actions.opened} opened, {actions.done} done, {actions.open} open"
    if actions.overdue:
        line += ", " + paint(f"{actions.overdue} overdue", "red")
    out = [line]
    if actions.median_days_to_close is not None:
        out.append(f"  median {actions.median_days_to_close:g} days to close")
    for owner in actions.per_owner:
        overdue = f", {owner.overdue} overdue" if owner.overdue else ""
        out.append(
            f"  @{owner.owner}: {owner.opened} opened, {owner.done} done, "
            f"{owner.open} open{overdue}"
        )
    for item in actions.overdue_items:
        owners = " ".join("@" + o for o in item.owners)
        out.append(paint(f"  ! {item.id} {owners} {printable(item.text)} (due {item.due})", "red"))
    return out


def signatures_said(agreement: AgreementSummary, unexplained: str = "") -> str:
    """``signed by a; stale: b; not signed: c; invalid: d (why)``; "" when nobody signed."""
    named = [
        ("signed by", agreement.signed),
        ("stale:", agreement.stale),
        ("not signed:", agreement.missing),
        ("invalid:", agreement.invalid),
    ]
    parts = [f"{label} {', '.join(names)}" for label, names in named if names]
    if agreement.invalid:
        parts[-1] += f" ({agreement.why})" if agreement.why else unexplained
    return "; ".join(parts)


def _agreement(agreement: AgreementSummary, paint: Palette) -> list[str]:
    out = ["  " + printable(signatures_said(agreement, " (see mj validate)") or "no signatures")]
    if agreement.review_due:
        review = f"  review {agreement.review_due}"
        out.append(paint(review + " (overdue)", "red") if agreement.review_overdue else review)
    if agreement.changes is not None:
        times = "once" if agreement.changes == 1 else f"{agreement.changes} times"
        out.append(f"  changed {times} since it was first committed")
    elif agreement.versions == 0:
        out.append("  not committed yet")
    if agreement.phase is not None:
        out.append(f"  phase {agreement.phase}")
    return out
