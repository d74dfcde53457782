#!/usr/bin/env python3
"""Checks an Attaché JSON-LD export with two JSON-LD processors.

Usage: check_jsonld.py DIR (an export directory of scripts/formats-check.sh:
DIR/jsonld.jsonld beside DIR/attache.json) or check_jsonld.py FILE.jsonld

No network: the context the export names (https://attache.example/context.jsonld)
is read from graph-schema/context.jsonld, through PyLD's document loader and,
for rdflib, put in place of the IRI before parsing; any other remote
document is refused.

Parses the file with rdflib and turns it into RDF with PyLD (expand, then
to_rdf): both must give the same number of triples. With attache.json beside
it, every node must carry its kind's class, every relation its kind's class
and its ends as av:from/av:to, every citation must be there, and every date
must be typed at its precision (xsd:gYear, xsd:gYearMonth, xsd:date). On the
seed data, a few known facts are asked with SPARQL (Berik Asylov attended
and chaired the 20th meeting of the SCO prosecutors general; it began on
2022-09-23). Exits 1 naming every difference.
"""
import copy
import json
import os
import sys

import rdflib
from pyld import jsonld
from rdflib import RDF, XSD, Literal, URIRef

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONTEXT_FILE = os.path.join(ROOT, "graph-schema", "context.jsonld")
CONTEXT_IRI = "https://attache.example/context.jsonld"
ID = "https://attache.example/id/"
AV = rdflib.Namespace("https://attache.example/vocab#")
SCHEMA = rdflib.Namespace("https://schema.org/")

# The class each node kind is written as (src/formats/jsonld/vocab.rs).
NODE_CLASSES = {
    "person": [SCHEMA.Person], "state": [SCHEMA.Country],
    "organization": [SCHEMA.Organization, SCHEMA.GovernmentOrganization],
    "office": [AV.Office], "meeting": [SCHEMA.Event], "series": [SCHEMA.EventSeries],
    "document": [SCHEMA.DigitalDocument], "place": [SCHEMA.Place],
    "topic": [SCHEMA.DefinedTerm], "source": [SCHEMA.CreativeWork],
}
PRECISION = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}


def load_context():
    with open(CONTEXT_FILE, encoding="utf-8") as f:
        return json.load(f)


def loader(context):
    def load(url, options=None):
        if url != CONTEXT_IRI:
            raise jsonld.JsonLdError(f"no network: {url} is not our context",
                                     "jsonld.LoadDocumentError", code="loading document failed")
        return {"contentType": "application/ld+json", "contextUrl": None,
                "documentUrl": url, "document": context}
    return load


def iri(record_id):
    prefix, slug = record_id.split(":", 1)
    return URIRef(f"{ID}{prefix}/{slug}")


def rel_class(kind):
    return AV["".join(w.capitalize() for w in kind.split("_"))]


class Report:
    def __init__(self):
        self.problems, self.compared = [], 0

    def check(self, ok, what):
        self.compared += 1
        if not ok:
            self.problems.append(what)


def compare(report, g, ref):
    for n in ref["nodes"]:
        s = iri(n["id"])
        kind = n["id"].split(":", 1)[0]
        types = set(g.objects(s, RDF.type))
        report.check(types & set(NODE_CLASSES[kind]), f"node {n['id']}: types {sorted(types)}")
        report.check((s, SCHEMA.name, Literal(n["name"])) in g, f"node {n['id']}: no schema:name")
        report.check(len(list(g.objects(s, SCHEMA.citation))) == len(n.get("citations", [])),
                     f"node {n['id']}: citations")
    for r in ref["relations"]:
        s = iri(r["id"])
        report.check((s, RDF.type, rel_class(r["kind"])) in g, f"relation {r['id']}: no class")
        report.check((s, AV["from"], iri(r["from"])) in g, f"relation {r['id']}: from")
        report.check((s, AV.to, iri(r["to"])) in g, f"relation {r['id']}: to")
        cited = {(str(g.value(c, SCHEMA.isBasedOn)), g.value(c, AV.locator))
                 for c in g.objects(s, SCHEMA.citation)}
        want = {(str(iri(c["source"])), Literal(c["locator"]) if "locator" in c else None)
                for c in r.get("citations", [])}
        report.check(cited == want, f"relation {r['id']}: citations {cited} != {want}")
    for c in ref.get("conflicts", []):
        s = iri(c["id"])
        claims = set(g.objects(s, AV.claim))
        report.check(claims == {iri(x) for x in c["claims"]}, f"conflict {c['id']}: claims")
    dated = [SCHEMA.startDate, SCHEMA.endDate, SCHEMA.datePublished, SCHEMA.dateCreated,
             AV.date, AV.seen, AV.startBy, AV.endAfter, AV.endBefore]
    for p in dated:
        for o in g.objects(None, p):
            report.check(isinstance(o, Literal) and o.datatype == PRECISION.get(len(str(o))),
                         f"{p}: {o!r} is not typed at its precision")


def known_facts(report, g):
    meeting = iri("meeting:sco-prosecutors-general-20")
    asylov = iri("person:berik-asylov")
    report.check((meeting, SCHEMA.attendee, asylov) in g, "pg20 has no attendee Berik Asylov")
    ask = """ASK { ?r a av:Chaired ; av:from ?p ; av:to ?m .
                   ?a a av:Attended, schema:Role ; av:from ?p ; av:to ?m ; schema:roleName "chair" . }"""
    res = g.query(ask, initNs={"av": AV, "schema": SCHEMA}, initBindings={"p": asylov, "m": meeting})
    report.check(res.askAnswer, "Berik Asylov is not the chair of pg20")
    report.check((meeting, SCHEMA.startDate, Literal("2022-09-23", datatype=XSD.date)) in g,
                 "pg20 does not start on 2022-09-23 (xsd:date)")
    report.check((meeting, RDF.type, SCHEMA.Event) in g, "pg20 is not a schema:Event")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    path, reference = sys.argv[1], None
    if os.path.isdir(path):
        reference = os.path.join(path, "attache.json")
        path = os.path.join(path, "jsonld.jsonld")
    context = load_context()
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    report = Report()
    report.check(doc.get("@context") == CONTEXT_IRI, f"@context is {doc.get('@context')!r}")

    inline = copy.copy(doc)
    inline["@context"] = context["@context"]
    g = rdflib.Graph()
    g.parse(data=json.dumps(inline), format="json-ld")

    quads = jsonld.to_rdf(jsonld.expand(doc, {"documentLoader": loader(context)}),
                          {"format": "application/n-quads"})
    n_pyld = len([l for l in quads.splitlines() if l.strip()])
    report.check(len(g) == n_pyld, f"rdflib read {len(g)} triples, PyLD {n_pyld}")
    report.check(len(g) > 0, "no triples")

    if reference and os.path.exists(reference):
        with open(reference, encoding="utf-8") as f:
            ref = json.load(f)
        compare(report, g, ref)
        if any(n["id"] == "meeting:sco-prosecutors-general-20" for n in ref["nodes"]):
            known_facts(report, g)
        print(f"check_jsonld: {len(ref['nodes'])} nodes, {len(ref['relations'])} relations "
              f"compared with attache.json")
    for p in report.problems[:50]:
        print(f"  {p}")
    print(f"check_jsonld: {len(g)} triples (rdflib and PyLD), {report.compared} comparisons, "
          f"{len(report.problems)} difference(s)")
    sys.exit(1 if report.problems else 0)


if __name__ == "__main__":
    main()
