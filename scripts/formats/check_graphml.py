"""GraphML export read by networkx: same node and edge counts as the
attache/1 export, and every field of every record as a typed attribute."""
import os
import sys

import networkx as nx

import attache_ref

directory = sys.argv[1]
ref = attache_ref.load(directory)
g = nx.read_graphml(os.path.join(directory, "graphml.graphml"), force_multigraph=True)
report = attache_ref.Report(f"graphml {os.path.basename(directory)}")
report.check(g.is_directed(), "the graph is not directed")
attache_ref.compare_graph(report, g, ref)
report.finish()
