"""Parses two scrapes of Attache's /metrics with prometheus_client's own
text parser and checks that the values moved between them.

Usage: check.py BEFORE AFTER PRIVATE
  BEFORE, AFTER: scrapes of the main listener (with a token), taken before
  and after the script sent one named query, one error and one write;
  PRIVATE: a scrape of the --metrics-listen listener (no token).
Exits non-zero, saying why, on a parse error or a value that did not move.
"""
import sys

from prometheus_client.parser import text_string_to_metric_families


def samples(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    out = {}
    families = {}
    for family in text_string_to_metric_families(text):
        families[family.name] = family.type
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return families, out


def get(values, name, **labels):
    return values.get((name, tuple(sorted(labels.items()))), 0.0)


def main():
    before_path, after_path, private_path = sys.argv[1:4]
    _, before = samples(before_path)
    families, after = samples(after_path)
    _, private = samples(private_path)
    problems = []

    def moved(what, name, by, **labels):
        d = get(after, name, **labels) - get(before, name, **labels)
        if d != by:
            problems.append(f"{what}: {name}{labels} moved by {d}, expected {by}")

    moved("the named query", "attache_http_requests_total", 1,
          route="/graphql", operation="MetricsCheck", status="200")
    moved("its latency", "attache_http_request_duration_seconds_count", 1,
          route="/graphql", operation="MetricsCheck")
    moved("the error", "attache_graphql_errors_total", 1, code="GRAPHQL_VALIDATION_FAILED")
    moved("the write", "attache_change_sets_total", 1, op="write")
    moved("its size", "attache_change_set_records_count", 1)
    moved("the new node", "attache_graph_nodes", 1)
    expected = {
        "attache_http_requests": "counter",
        "attache_http_request_duration_seconds": "histogram",
        "attache_graphql_errors": "counter",
        "attache_change_set_records": "histogram",
        "attache_graph_nodes": "gauge",
        "attache_graph_relations": "gauge",
        "attache_store_size_bytes": "gauge",
        "attache_subscriptions": "gauge",
        "attache_last_change_set": "gauge",
    }
    for name, kind in expected.items():
        if families.get(name) != kind:
            problems.append(f"family {name}: {families.get(name)!r}, expected {kind}")
    if get(after, "attache_store_size_bytes") <= 0:
        problems.append("attache_store_size_bytes is not positive")
    if get(private, "attache_graph_nodes") != get(after, "attache_graph_nodes"):
        problems.append("the private listener disagrees with the main one on attache_graph_nodes")
    for p in problems:
        print("metrics-check:", p, file=sys.stderr)
    if problems:
        return 1
    print(f"metrics-check: {len(after)} samples in {len(families)} families parsed; the values moved")
    return 0


if __name__ == "__main__":
    sys.exit(main())
