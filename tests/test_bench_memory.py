"""The benchmark's memory of a process tree (`bench.run.tree_rss`): each process once."""

from __future__ import annotations

import subprocess
import sys
import time

from bench.run import tree_rss

# a parent holding 200 MB that forks: the child, until it runs a program of its own, shares the
# parent's pages and command line
FORKER = """
import os, sys, time
held = bytearray(200 << 20)
for i in range(0, len(held), 4096):
    held[i] = 1
if os.fork() == 0:
    time.sleep(30)
    os._exit(0)
print("forked", flush=True)
time.sleep(30)
"""


def test_a_child_between_fork_and_exec_is_not_counted_twice() -> None:
    parent = subprocess.Popen([sys.executable, "-c", FORKER], stdout=subprocess.PIPE)
    try:
        assert parent.stdout is not None
        assert parent.stdout.readline().strip() == b"forked"
        time.sleep(0.2)
        held = tree_rss(parent.pid)
        assert 200 << 20 <= held < 300 << 20  # the parent's 200 MB, once
    finally:
        subprocess.run(["pkill", "-P", str(parent.pid)], check=False)
        parent.kill()
        parent.wait()
        parent.stdout.close()  # type: ignore[union-attr]


def test_children_running_programs_of_their_own_are_counted() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", "import subprocess, sys, time\n"
         "kids = [subprocess.Popen([sys.executable, '-c', 'x = bytearray(50 << 20); "
         "import time; [x.__setitem__(i, 1) for i in range(0, len(x), 4096)]; "
         "print(1, flush=True); time.sleep(30)'], stdout=subprocess.PIPE) for _ in range(2)]\n"
         "[k.stdout.readline() for k in kids]\nprint('ready', flush=True)\ntime.sleep(30)\n"],
        stdout=subprocess.PIPE,
    )  # fmt: skip
    try:
        assert parent.stdout is not None
        assert parent.stdout.readline().strip() == b"ready"
        assert tree_rss(parent.pid) >= 100 << 20  # both children's 50 MB
    finally:
        subprocess.run(["pkill", "-P", str(parent.pid)], check=False)
        parent.kill()
        parent.wait()
        parent.stdout.close()  # type: ignore[union-attr]
