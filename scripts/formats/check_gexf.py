"""GEXF export read by networkx: same node and edge counts as the attache/1
export, every field of every record as a typed attribute, and the time
intervals: each meeting and each relation to a meeting spans the meeting's
days at their precision."""
import calendar
import os
import sys

import networkx as nx

import attache_ref

directory = sys.argv[1]
ref = attache_ref.load(directory)
g = nx.read_gexf(os.path.join(directory, "gexf.gexf"), version="1.2draft")
if not g.is_multigraph():
    g = nx.MultiDiGraph(g)
report = attache_ref.Report(f"gexf {os.path.basename(directory)}")
report.check(g.is_directed(), "the graph is not directed")
timeline = ("label", "start", "end")
attache_ref.compare_graph(report, g, ref, extra_node=timeline, extra_edge=timeline,
                          titles={"start": "start_date", "end": "end_date"})


def first_day(d):
    parts = d.split("-")
    return "-".join(parts + ["01"] * (3 - len(parts)))


def last_day(d):
    parts = [int(p) for p in d.split("-")]
    if len(parts) == 1:
        return f"{parts[0]:04}-12-31"
    if len(parts) == 2:
        return f"{parts[0]:04}-{parts[1]:02}-{calendar.monthrange(parts[0], parts[1])[1]:02}"
    return d


meetings = {n["id"]: n for n in ref["nodes"] if n["id"].startswith("meeting:")}
for mid, m in meetings.items():
    if "start" not in m:
        continue
    want = (first_day(m["start"]), last_day(m.get("end", m["start"])))
    have = (g.nodes[mid].get("start"), g.nodes[mid].get("end"))
    report.check(have == want, f"meeting {mid} spans {have}, not {want}")
for r in ref["relations"]:
    if any(k in r for k in ("start", "end", "date")) or r["to"] not in meetings:
        continue
    m = meetings[r["to"]]
    if "start" not in m:
        continue
    want = (first_day(m["start"]), last_day(m.get("end", m["start"])))
    data = g.edges[r["from"], r["to"], r["id"]] if g.has_edge(r["from"], r["to"], r["id"]) else None
    if data is None:
        data = next((d for _, _, d in g.edges(r["from"], data=True) if d.get("id") == r["id"]), {})
    have = (data.get("start"), data.get("end"))
    report.check(have == want, f"edge {r['id']} spans {have}, not {want}")
report.finish()
