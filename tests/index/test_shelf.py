"""The snapshot's containers: a sorted list in runs, and a dict shelved by key prefix."""

from __future__ import annotations

import marshal
import random

import pytest

from mentorjournal.index.shelf import Chunks, PrefixShelf


def _key(item: tuple[str, int]) -> tuple[str, int]:
    return item


@pytest.mark.parametrize("size", [1, 2, 3, 8, 512])
def test_runs_stay_sorted_through_random_adds_and_removes(
    monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    """Against a plain sorted list, across packing and unpacking, with runs of a few
    items, so that runs split (past twice their size) and vanish (emptied) often."""
    monkeypatch.setattr(Chunks, "SIZE", size)
    events = {"split": 0, "vanish": 0}
    settle = Chunks._settle

    def counted(chunks: Chunks) -> None:
        before = len(chunks._runs)
        settle(chunks)
        events["split" if len(chunks._runs) > before else "vanish"] += len(chunks._runs) != before

    monkeypatch.setattr(Chunks, "_settle", counted)
    rng = random.Random(7)
    for trial in range(40):
        present: set[tuple[str, int]] = set()
        start = sorted(
            {(rng.choice("abcdef"), rng.randrange(500)) for _ in range(rng.randrange(60))}
        )
        present.update(start)
        chunks = Chunks.build(list(start), _key)
        for step in range(rng.randrange(1, 400)):
            if present and rng.random() < 0.45:
                item = rng.choice(sorted(present))
                present.discard(item)
                chunks.remove(item)
            else:
                item = (rng.choice("abcdefg"), rng.randrange(500))
                if item in present:
                    continue
                present.add(item)
                chunks.add(item)
            if rng.random() < 0.05:  # a later run reads what this one wrote
                chunks = Chunks(*chunks.pack(), _key)
            if rng.random() < 0.05:
                assert list(chunks) == sorted(present), (trial, step)
        assert list(chunks) == sorted(present)
        assert list(Chunks(*chunks.pack(), _key)) == sorted(present)
    if size < 512:
        assert events["split"] and events["vanish"], events


def test_changes_wait_until_the_list_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Chunks, "SIZE", 4)
    items = [(letter, n) for letter in "abcdefgh" for n in range(4)]
    chunks = Chunks(*Chunks.build(items, _key).pack(), _key)
    chunks.remove(("c", 2))
    chunks.add(("c", 9))
    assert all(isinstance(run, bytes) for run in chunks._runs)  # nothing unpacked
    firsts, runs = chunks.pack()
    assert sum(not isinstance(run, bytes) for run in chunks._runs) == 1  # one run
    assert ("c", 9) in list(Chunks(firsts, runs, _key))


def test_removing_what_is_not_there_or_a_damaged_run_raises() -> None:
    chunks = Chunks.build([("a", 1), ("b", 2)], _key)
    chunks.remove(("a", 5))
    with pytest.raises(ValueError):
        list(chunks)
    empty = Chunks.build([], _key)
    empty.remove(("a", 1))
    with pytest.raises(ValueError):
        empty.pack()
    with pytest.raises(ValueError):
        Chunks([("a", 1)], [b"x", b"y"], _key)  # as many firsts as runs
    for damage in (b"\x00garbage", marshal.dumps([]), marshal.dumps({1: 2})):
        with pytest.raises((EOFError, ValueError, TypeError)):
            list(Chunks([("a", 1)], [damage], _key))


def test_a_prefix_shelf_finds_every_key_with_a_prefix_in_one_shard() -> None:
    rng = random.Random(3)
    entries = {f"{rng.getrandbits(24):06x}": (f"sessions/{n}.md",) for n in range(3000)}
    shelf = PrefixShelf(PrefixShelf.build(entries, 256).pack(), 256)
    for prefix in ("a1", "a1b", "ff0", "0000", "zz"):
        found = shelf.starting(prefix)
        assert found == {k: v for k, v in entries.items() if k.startswith(prefix)}
        assert len(shelf._open) <= 5
    with pytest.raises(ValueError):
        shelf.starting("a")  # shorter than the shards' prefix
