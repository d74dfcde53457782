"""The reference an export is checked against: the attache/1 export of the
same store (attache.json in the export directory), and how each field of a
node or relation appears as a GraphML/GEXF attribute (src/formats/attrs.rs)."""
import json
import os
import sys

# Lists written comma-separated; structured fields written as JSON text.
LIST_FIELDS = {"roles", "seen"}
JSON_FIELDS = {"aliases", "notes", "citations"}


def load(directory):
    with open(os.path.join(directory, "attache.json"), encoding="utf-8") as f:
        return json.load(f)


def node_attrs(node):
    """The attributes a node must carry: name → value."""
    out = {"kind": node["id"].split(":", 1)[0]}
    for field, value in node.items():
        if field == "id":
            continue
        out["category" if field == "kind" else field] = value
    return out


def edge_attrs(rel):
    return {f: v for f, v in rel.items() if f not in ("id", "from", "to")}


def same(field, expected, got):
    """Whether attribute `got` (as the library read it) holds `expected`."""
    if field in JSON_FIELDS:
        try:
            return json.loads(got) == expected
        except (TypeError, ValueError):
            return False
    if field in LIST_FIELDS:
        return got == ",".join(expected)
    return got == expected


class Report:
    def __init__(self, name):
        self.name, self.problems, self.compared = name, [], 0

    def check(self, ok, what):
        self.compared += 1
        if not ok and len(self.problems) < 50:
            self.problems.append(what)
        elif not ok:
            self.problems.append(None)

    def finish(self):
        shown = [p for p in self.problems if p]
        for p in shown:
            print(f"  {self.name}: {p}")
        print(f"{self.name}: {self.compared} comparisons, {len(self.problems)} difference(s)")
        sys.exit(1 if self.problems else 0)


def compare_graph(report, graph, ref, extra_node=(), extra_edge=(), titles=None):
    """Node and edge counts, and every attribute of every node and edge
    (`titles`: field name → attribute name where they differ)."""
    titles = titles or {}
    nodes = {n["id"]: n for n in ref["nodes"]}
    rels = {r["id"]: r for r in ref["relations"]}
    report.check(graph.number_of_nodes() == len(nodes),
                 f"{graph.number_of_nodes()} nodes read, {len(nodes)} expected")
    report.check(graph.number_of_edges() == len(rels),
                 f"{graph.number_of_edges()} edges read, {len(rels)} expected")
    for nid, data in graph.nodes(data=True):
        node = nodes.get(nid)
        if node is None:
            report.check(False, f"node {nid} is not in the reference")
            continue
        want = {titles.get(f, f): v for f, v in node_attrs(node).items()}
        have = {k: v for k, v in data.items() if k not in extra_node}
        report.check(set(have) == set(want), f"node {nid}: attributes {sorted(have)} != {sorted(want)}")
        for field, value in want.items():
            report.check(same(field, value, have.get(field)), f"node {nid} {field}: {have.get(field)!r} != {value!r}")
    for u, v, key, data in graph.edges(keys=True, data=True):
        rid = data.get("id", key)
        rel = rels.get(rid)
        if rel is None:
            report.check(False, f"edge {rid} is not in the reference")
            continue
        report.check((u, v) == (rel["from"], rel["to"]), f"edge {rid}: {u} -> {v}")
        want = {titles.get(f, f): v for f, v in edge_attrs(rel).items()}
        have = {k: v for k, v in data.items() if k not in extra_edge and k != "id"}
        report.check(set(have) == set(want), f"edge {rid}: attributes {sorted(have)} != {sorted(want)}")
        for field, value in want.items():
            report.check(same(field, value, have.get(field)), f"edge {rid} {field}: {have.get(field)!r} != {value!r}")
