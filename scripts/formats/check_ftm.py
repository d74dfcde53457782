#!/usr/bin/env python3
"""Checks an Attaché FollowTheMoney export with the followthemoney package.

Usage: check_ftm.py DIR (an export directory of scripts/formats-check.sh:
DIR/ftm.jsonl, beside DIR/attache.json) or check_ftm.py FILE.jsonl

Every line must be one entity that the FtM model accepts as it stands:
its schema exists and is not abstract; every property belongs to the schema
(no reverse stubs); every value is already in the form the property's type
cleans it to (dates at their precision, lowercase country codes, ISO 639-3
languages, valid entity ids); each entity reference names an entity of the
file whose schema fits the property's range; the schema's required
properties are present (except Document.fileName: Attaché's documents are
records of texts, not files, and formats.md says so); and the library's own
`Schema.validate` passes. With attache.json beside it, every person, office
and tenure of the reference export must be there as a Person, Position and
Occupancy of the same (encoded) id. Exits 1 naming the line, entity and property of
every problem.
"""
import json
import os
import sys

from followthemoney import model
from followthemoney.exc import InvalidData
from followthemoney.types import registry

# Required properties an export may leave out, with the reason in the docstring.
EXEMPT_REQUIRED = {("Document", "fileName")}


def check(path):
    problems = []
    entities = {}
    refs = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            where = f"{path}:{lineno}"
            try:
                data = json.loads(line)
            except ValueError as e:
                problems.append(f"{where}: not JSON: {e}")
                continue
            extra = set(data) - {"id", "schema", "properties"}
            if extra:
                problems.append(f"{where}: unexpected keys {sorted(extra)}")
            schema = model.get(data.get("schema", ""))
            if schema is None or schema.abstract:
                problems.append(f"{where}: no concrete schema `{data.get('schema')}`")
                continue
            eid = data.get("id")
            if not isinstance(eid, str) or registry.entity.clean(eid) != eid:
                problems.append(f"{where}: bad id `{eid}`")
            if eid in entities:
                problems.append(f"{where}: id `{eid}` repeated")
            entities[eid] = schema
            proxy = model.get_proxy(data, cleaned=False)
            if proxy.id != eid:
                problems.append(f"{where}: id `{eid}` cleans to `{proxy.id}`")
            props = data.get("properties", {})
            for name, values in props.items():
                prop = schema.get(name)
                if prop is None or prop.stub:
                    problems.append(f"{where}: {eid}: `{name}` is not a property of {schema.name}")
                    continue
                if not isinstance(values, list) or not values:
                    problems.append(f"{where}: {eid}: `{name}` must be a non-empty list")
                    continue
                for v in values:
                    cleaned = prop.type.clean(v, proxy=proxy)
                    if cleaned != v:
                        problems.append(f"{where}: {eid}: `{name}` value {v!r} cleans to {cleaned!r}")
                    elif len(v) > prop.type.max_length:
                        problems.append(f"{where}: {eid}: `{name}` value longer than {prop.type.max_length}")
                    if prop.type.name == "entity":
                        refs.append((where, eid, prop, v))
            for req in schema.required:
                if req not in props and (schema.name, req) not in EXEMPT_REQUIRED:
                    problems.append(f"{where}: {eid}: required `{req}` missing")
            try:
                schema.validate(proxy.to_dict())
            except InvalidData as e:
                problems.append(f"{where}: {eid}: {e}")
    for where, eid, prop, target in refs:
        ts = entities.get(target)
        if ts is None:
            problems.append(f"{where}: {eid}: `{prop.name}` names `{target}`, not in the file")
        elif not ts.is_a(prop.range):
            problems.append(f"{where}: {eid}: `{prop.name}` names a {ts.name}, expects {prop.range.name}")
    return len(entities), problems


def encode(attache_id):
    """The FtM id the export gives an Attaché id (src/formats/ftm/ids.rs)."""
    out = attache_id.translate(str.maketrans({":": ".", ".": "D", "/": "S", "_": "U"}))
    return out if out[-1].isalnum() else out + "Z"


def compare(path, reference):
    """Every person, office and tenure of the reference, with its schema."""
    with open(reference, encoding="utf-8") as fh:
        ref = json.load(fh)
    want = {}
    for n in ref.get("nodes", []):
        kind = n["id"].split(":", 1)[0]
        if kind in ("person", "office"):
            want[encode(n["id"])] = "Person" if kind == "person" else "Position"
    for r in ref.get("relations", []):
        if r["kind"] == "holds":
            want[encode(r["id"])] = "Occupancy"
    got = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            e = json.loads(line)
            got[e["id"]] = e["schema"]
    return [f"{path}: `{i}` should be a {s}, is {got.get(i)}"
            for i, s in sorted(want.items()) if got.get(i) != s], len(want)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    path = sys.argv[1]
    reference = None
    if os.path.isdir(path):
        reference = os.path.join(path, "attache.json")
        path = os.path.join(path, "ftm.jsonl")
    n, problems = check(path)
    if reference and os.path.exists(reference):
        missing, compared = compare(path, reference)
        problems += missing
        print(f"check_ftm: {compared} people, offices and tenures compared with attache.json")
    for p in problems:
        print(p)
    if problems or n == 0:
        print(f"check_ftm: {len(problems)} problem(s) in {n} entities")
        sys.exit(1)
    print(f"check_ftm: {n} entities valid")


if __name__ == "__main__":
    main()
