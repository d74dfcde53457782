#!/usr/bin/env python3
"""Checks an Attaché Popolo export against the Popolo JSON Schemas.

Usage: check_popolo.py DIR (an export directory of scripts/formats-check.sh:
DIR/popolo.json, beside DIR/attache.json) or check_popolo.py FILE.json

Validates the file with `jsonschema` against the Popolo schemas as restated
in tests/fixtures/popolo/popolo.schema.json (types, date patterns, required
fields of links, other names and identifiers); checks that every link's URL
has a scheme, that ids are unique, and that each membership's person_id,
post_id, organization_id and member, and each event's organization_id,
parent_id and attendees, name an element of the file. With attache.json
beside it, every person, office and tenure of the reference must be there.
Exits 1 naming the element and field of every problem.
"""
import json
import os
import sys
from urllib.parse import urlparse

import jsonschema

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCHEMA = os.path.join(ROOT, "tests", "fixtures", "popolo", "popolo.schema.json")


def links(doc):
    for lst in ("persons", "organizations", "posts", "memberships", "events"):
        for i, item in enumerate(doc.get(lst, [])):
            for j, link in enumerate(item.get("sources", [])):
                yield f"{lst}[{i}].sources[{j}]", link.get("url", "")


def check(path):
    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    with open(SCHEMA, encoding="utf-8") as fh:
        schema = json.load(fh)
    problems = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in jsonschema.Draft202012Validator(schema).iter_errors(doc)
    ]
    for where, url in links(doc):
        if not urlparse(url).scheme:
            problems.append(f"{where}: `{url}` is not a URI")
    ids = {}
    for lst in ("persons", "organizations", "posts", "memberships", "events"):
        for item in doc.get(lst, []):
            if item.get("id") in ids:
                problems.append(f"{lst}: id `{item['id']}` repeated")
            ids[item.get("id")] = lst
    def ref(where, value, lists):
        if value is not None and ids.get(value) not in lists:
            problems.append(f"{where}: `{value}` names no element of {'/'.join(lists)}")
    for i, m in enumerate(doc.get("memberships", [])):
        w = f"memberships[{i}] ({m.get('id')})"
        ref(w + " person_id", m.get("person_id"), ["persons"])
        ref(w + " post_id", m.get("post_id"), ["posts"])
        ref(w + " organization_id", m.get("organization_id"), ["organizations"])
        ref(w + " member", (m.get("member") or {}).get("id"), ["organizations", "persons"])
    for i, e in enumerate(doc.get("events", [])):
        w = f"events[{i}] ({e.get('id')})"
        ref(w + " organization_id", e.get("organization_id"), ["organizations"])
        ref(w + " parent_id", e.get("parent_id"), ["events"])
        for a in e.get("attendees", []):
            ref(w + " attendees", a.get("id"), ["persons"])
    return doc, ids, problems


def compare(ids, reference):
    with open(reference, encoding="utf-8") as fh:
        ref = json.load(fh)
    want = {n["id"]: "persons" for n in ref.get("nodes", []) if n["id"].startswith("person:")}
    want.update({n["id"]: "posts" for n in ref.get("nodes", []) if n["id"].startswith("office:")})
    want.update({r["id"]: "memberships" for r in ref.get("relations", []) if r["kind"] == "holds"})
    return [f"`{i}` should be in {l}" for i, l in sorted(want.items()) if ids.get(i) != l], len(want)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    path, reference = sys.argv[1], None
    if os.path.isdir(path):
        reference = os.path.join(path, "attache.json")
        path = os.path.join(path, "popolo.json")
    doc, ids, problems = check(path)
    if reference and os.path.exists(reference):
        missing, n = compare(ids, reference)
        problems += missing
        print(f"check_popolo: {n} people, posts and tenures compared with attache.json")
    for p in problems:
        print(p)
    if problems or not ids:
        print(f"check_popolo: {len(problems)} problem(s)")
        sys.exit(1)
    print(f"check_popolo: {len(ids)} elements valid")


if __name__ == "__main__":
    main()
