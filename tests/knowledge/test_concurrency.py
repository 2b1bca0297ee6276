"""Atomicity under a killed process, and what readers see while a writer works."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pandas as pd
import pytest

from preclin.core.errors import KnowledgeBaseError
from preclin.knowledge import LAYOUTS, KnowledgeBase

CHILD = textwrap.dedent(
    """
    import sys
    from preclin.knowledge import KnowledgeBase, _store

    path, csv, mode = sys.argv[1], sys.argv[2], sys.argv[3]

    def hold():
        print("IN-TRANSACTION", flush=True)
        sys.stdin.readline()  # the parent kills us, or releases us with a line

    if mode == "hold":
        _store._BEFORE_COMMIT.append(hold)
    print("STARTED", flush=True)
    with KnowledgeBase(path, timeout=30) as kb:
        kb.import_table(csv, kind="studies")
    print("COMMITTED", flush=True)
    """
)


def _big_csv(path, n):
    cols = list(LAYOUTS["studies"])
    df = pd.DataFrame({c: [""] * n for c in cols})
    df["study_id"] = [f"BIG-{i // 10}" for i in range(n)]
    df["compound_id"] = [f"cmpd-{i % 10}" for i in range(n)]
    df["endpoint"] = "immobility"
    df["mean"] = [str(i % 97) for i in range(n)]
    df.to_csv(path, index=False)
    return path


def _spawn(tmp_path, db, csv, mode):
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    return subprocess.Popen(
        [sys.executable, str(script), str(db), str(csv), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(proc, marker, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if marker in line:
            return
        if not line and proc.poll() is not None:
            raise AssertionError(f"child exited early: {proc.stderr.read()}")
    raise AssertionError(f"no {marker!r} from the child")


def _rows(db):
    with KnowledgeBase(db, read_only=True) as kb:
        return kb.counts()["studies"], kb.counts()["analyses"], kb.table("studies")


def test_killed_import_leaves_store_unchanged(seeded, tmp_path):
    n_before, a_before, before = _rows(seeded)
    csv = _big_csv(tmp_path / "big.csv", 50_000)
    proc = _spawn(tmp_path, seeded, csv, "hold")
    try:
        _wait_for(proc, "IN-TRANSACTION")  # all 50 000 rows are inserted, not committed
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
        proc.stdout.close(), proc.stderr.close(), proc.stdin.close()
    assert proc.returncode == -signal.SIGKILL
    n_after, a_after, after = _rows(seeded)
    assert (n_after, a_after) == (n_before, a_before)
    pd.testing.assert_frame_equal(before, after)
    with KnowledgeBase(seeded) as kb:  # and the store still takes the same import
        kb.import_table(csv, kind="studies")
        assert kb.counts()["studies"] == n_before + 50_000


def test_kill_at_any_moment_is_all_or_nothing(seeded, tmp_path):
    n_before, _, _ = _rows(seeded)
    csv = _big_csv(tmp_path / "big.csv", 20_000)
    proc = _spawn(tmp_path, seeded, csv, "free")
    try:
        _wait_for(proc, "STARTED")
        time.sleep(0.8)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
        proc.stdout.close(), proc.stderr.close(), proc.stdin.close()
    n_after, _, _ = _rows(seeded)
    assert n_after in (n_before, n_before + 20_000)


def test_readers_while_a_writer_holds_the_store(seeded, tmp_path, capsys):
    from preclin.cli import main

    csv = _big_csv(tmp_path / "small.csv", 10)
    proc = _spawn(tmp_path, seeded, csv, "hold")
    try:
        _wait_for(proc, "IN-TRANSACTION")
        t0 = time.monotonic()
        with pytest.raises(
            KnowledgeBaseError, match=r"is locked by another process .*waited 0.3 s"
        ):
            KnowledgeBase(seeded, read_only=True, timeout=0.3)
        assert time.monotonic() - t0 >= 0.3
        with pytest.raises(KnowledgeBaseError, match="is locked by another process"):
            KnowledgeBase(seeded, timeout=0)
        assert main(["kb", "compounds", "--db", str(seeded), "--timeout", "0.2"]) == 4
        assert "is locked by another process" in capsys.readouterr().err
        proc.stdin.write("go\n")
        proc.stdin.flush()
        _wait_for(proc, "COMMITTED")
    finally:
        proc.wait(timeout=60)
        proc.stdout.close(), proc.stderr.close(), proc.stdin.close()
    # the writer is gone: readers share the store, here one in this process and one in another
    with KnowledgeBase(seeded, read_only=True, timeout=0) as kb:
        code = (
            "from preclin.knowledge import KnowledgeBase\n"
            f"kb = KnowledgeBase({str(seeded)!r}, read_only=True, timeout=0)\n"
            "print(kb.counts()['studies'])"
        )
        other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert other.returncode == 0, other.stderr
        assert int(other.stdout) == kb.counts()["studies"] == 39 + 10


def test_a_reader_waits_for_a_short_writer(seeded, tmp_path):
    csv = _big_csv(tmp_path / "small.csv", 10)
    proc = _spawn(tmp_path, seeded, csv, "hold")
    try:
        _wait_for(proc, "IN-TRANSACTION")
        proc.stdin.write("go\n")  # the writer commits and exits within the reader's timeout
        proc.stdin.flush()
        with KnowledgeBase(seeded, read_only=True, timeout=30) as kb:
            assert kb.counts()["studies"] == 39 + 10
    finally:
        proc.wait(timeout=60)
        proc.stdout.close(), proc.stderr.close(), proc.stdin.close()
