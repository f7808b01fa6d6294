#!/usr/bin/env python3
"""gen-history.py OUT RUNS ROWS: write RUNS synthetic committed runs into
OUT, each a run directory holding only a decisions.csv of ROWS released
rows whose request and customer ids ("h-<run>-<row>", "hc-<run>-<row>")
never meet the samples'.  A stand-in for years of nightly history, built
in seconds; it does not write the other files of a run."""
import os
import sys

out, runs, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(out, mode=0o700, exist_ok=True)
head = "request_id,line,customer_id,reseller_id,requested_by,outcome,codes,message\n"
for r in range(runs):
    run_id = "2020%02d%02dT000000Z-%08x" % (1 + r // 28 % 12, 1 + r % 28, r)
    d = os.path.join(out, run_id)
    os.mkdir(d, 0o700)
    with open(os.path.join(d, "decisions.csv"), "w") as f:
        f.write(head)
        f.writelines("h-%d-%d,%d,hc-%d-%d,org-h,'@ops,released,,\n"
                     % (r, i, i + 2, r, i) for i in range(rows))
