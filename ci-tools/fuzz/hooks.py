"""Schemathesis hooks for fuzzing Attaché's GraphQL API (scripts/fuzz-graphql.sh).

Loaded through SCHEMATHESIS_HOOKS. It does three things:

1. Teaches the generator Attaché's identifiers and a few string shapes the
   service parses (partial dates, search text, import documents), so that
   arguments are often *valid* and resolvers and mutations run past input
   validation, instead of every request bouncing off "id is empty".
2. Defines the check `attache_no_server_error`, which fails on what is a
   server fault: a 5xx status, a body that is not a GraphQL JSON object, a
   GraphQL error with `extensions.code == "INTERNAL"`, a null for a
   non-nullable field, or an uncoded resolver error. Errors the API
   documents as answers to bad input (NOT_FOUND, INVALID_INPUT, CONFLICT,
   INTEGRITY, FORBIDDEN, and async-graphql's validation/coercion/limit
   errors without a path) pass. Schemathesis' own `not_a_server_error`
   counts every resolver error as a server error, so it is not used.
3. Counts every response (status, outcome, error codes) and writes the
   tally as JSON to $ATTACHE_FUZZ_STATS at exit.
"""
from __future__ import annotations

import atexit
import collections
import json
import os
import threading

import schemathesis
from hypothesis import strategies as st
from schemathesis.graphql import nodes

# ---------------------------------------------------------------- generation

SEED_IDS = [
    "person:berik-asylov", "person:gizat-nurdauletov", "person:gizat-daurenbekov",
    "person:zhang-jun", "person:tushar-mehta", "person:igor-krasnov",
    "meeting:sco-prosecutors-general-20", "meeting:sco-prosecutors-general-20-bilaterals",
    "meeting:sco-prosecutors-general-20-experts-group-2022-09-08",
    "series:sco-prosecutors-general-meetings", "document:sco-prosecutors-general-20-protocol",
    "topic:recovery-of-criminal-assets", "topic:international-cooperation",
    "office:prosecutor-general-kz", "office:president-kz", "organization:sco",
    "organization:prosecutor-general-office-kz", "state:kz", "state:cn", "state:in",
    "place:astana", "source:background", "source:pib-india-2022-09-23",
    "rel:asylov-attended-pg20", "rel:asylov-chaired-pg20", "rel:nurdauletov-spoke-at-pg20-welcome",
    "rel:daurenbekov-spoke-at-pg20-welcome", "rel:kz-member-of-sco",
    "rel:berik-asylov-holds-prosecutor-general-kz", "conflict:pg20-welcome-speech",
]
KINDS = ["person", "meeting", "series", "document", "topic", "office", "organization",
         "state", "place", "source", "rel", "conflict"]
SLUG = st.from_regex(r"\A[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}\Z")
FRESH_ID = st.builds(lambda k, s: f"{k}:fuzz-{s}", st.sampled_from(KINDS), SLUG)

DATES = st.one_of(
    st.sampled_from(["2022", "2022-09", "2022-09-23", "2022-02-30", "2022-13", "0000",
                     "9999-12-31", "2022-9-1", "2022-09-23T10:00", "-2022", "1"]),
    st.from_regex(r"\A[0-9]{1,5}(-[0-9]{1,3}){0,2}\Z"),
)
SEARCH = st.sampled_from(["Assylov", "Asylov B.N.", "别热克·阿斯洛夫", "Asilov", "B", "zhang",
                          "Прокурор", "  ", "a b c d e f g h", "ß", "\u0301", "x" * 300])


def _import_doc(slug: str, bad: bool) -> str:
    doc = {
        "format": "attache/1",
        "nodes": [{"id": f"person:fuzz-{slug}", "name": f"Fuzz {slug}",
                   "citations": [{"source": "source:background"}]}],
        "relations": [{"id": f"rel:fuzz-{slug}-attended", "kind": "attended",
                       "from": f"person:fuzz-{slug}", "to": "meeting:sco-prosecutors-general-20",
                       "mode": "online" if not bad else "by-carrier-pigeon"}],
    }
    return json.dumps(doc)


IMPORT_DOCS = st.builds(_import_doc, SLUG, st.booleans())

schemathesis.graphql.scalar(
    "ID",
    st.one_of(st.sampled_from(SEED_IDS), FRESH_ID, st.text(max_size=40)).map(nodes.String),
)
schemathesis.graphql.scalar(
    "String",
    st.one_of(st.text(max_size=60), DATES, SEARCH, st.sampled_from(SEED_IDS), IMPORT_DOCS).map(nodes.String),
)

# Small integers reach past page-size and depth limits to the resolvers;
# the full 32-bit range still turns up.
schemathesis.graphql.scalar(
    "Int",
    st.one_of(st.integers(0, 30), st.integers(-(2**31), 2**31 - 1)).map(nodes.Int),
)

# ---------------------------------------------------------------- checks

EXPECTED_CODES = {"NOT_FOUND", "INVALID_INPUT", "CONFLICT", "INTEGRITY", "FORBIDDEN", "GRAPHQL_VALIDATION_FAILED"}
NON_NULL_MARKERS = ("non-null", "Cannot return null", "non-nullable")
COERCION_PREFIXES = ("Failed to parse ", "Invalid value for argument ")
STRICT = os.environ.get("FUZZ_STRICT") == "1"

_lock = threading.Lock()
_stats = {
    "responses": 0,
    "status": collections.Counter(),
    "outcome": collections.Counter(),
    "error_codes": collections.Counter(),
    "operations": collections.Counter(),
    "ok_by_root": collections.Counter(),
    "server_errors": [],
    "uncoded_samples": [],
    "coercion_at_resolve": [],
    "coercion_at_resolve_count": 0,
}


def _record(key: str, value: str) -> None:
    _stats[key][value] += 1


@schemathesis.check
def attache_no_server_error(ctx, response, case):
    status = response.status_code
    try:
        payload = response.json()
    except Exception:
        payload = None
    problems = []
    codes = []
    coercion = []
    if status >= 500:
        problems.append(f"HTTP {status}")
    if not isinstance(payload, dict):
        problems.append("the body is not a JSON object")
    else:
        for e in payload.get("errors") or []:
            ext = e.get("extensions") or {}
            code = ext.get("code")
            msg = str(e.get("message", ""))
            codes.append(code or ("uncoded-with-path" if e.get("path") else "uncoded-request"))
            if code == "INTERNAL":
                problems.append(f"INTERNAL error: {msg}")
            elif code is None and any(m in msg for m in NON_NULL_MARKERS):
                # Only uncoded: a coded error may echo generated input.
                problems.append(f"null for a non-nullable field: {msg}")
            elif code is None and e.get("path") and msg.startswith(COERCION_PREFIXES):
                # async-graphql rejecting an argument while resolving (an
                # unsigned Rust type behind a GraphQL Int, say): the client's
                # fault, but with no code. Counted and shown; fatal only
                # under FUZZ_STRICT=1.
                coercion.append(msg)
            elif code is None and e.get("path"):
                # A resolver error with no code: not one the API documents.
                problems.append(f"uncoded resolver error at {e.get('path')}: {msg}")
            elif code is not None and code not in EXPECTED_CODES | {"BAD_REQUEST"}:
                problems.append(f"unexpected error code {code}: {msg}")
    with _lock:
        _stats["responses"] += 1
        _record("status", str(status))
        _record("operations", case.operation.label)
        for c in codes:
            _record("error_codes", c)
        if coercion:
            _stats["coercion_at_resolve_count"] += 1
            if len(_stats["coercion_at_resolve"]) < 20:
                _stats["coercion_at_resolve"].append({
                    "operation": case.operation.label,
                    "request": case.body if isinstance(case.body, str) else str(case.body),
                    "response": response.text_lossy()[:1000],
                })
            if STRICT:
                problems.extend(f"uncoded argument error while resolving: {m}" for m in coercion)
        if problems:
            _record("outcome", "server_error")
            if len(_stats["server_errors"]) < 50:
                _stats["server_errors"].append({
                    "operation": case.operation.label,
                    "request": case.body if isinstance(case.body, str) else str(case.body),
                    "status": status,
                    "response": response.text_lossy()[:2000],
                    "problems": problems,
                })
        elif payload and payload.get("errors"):
            _record("outcome", "rejected_by_design")
            if any(c.startswith("uncoded") for c in codes) and len(_stats["uncoded_samples"]) < 20:
                _stats["uncoded_samples"].append({
                    "operation": case.operation.label,
                    "message": str(payload["errors"][0].get("message"))[:300],
                })
        else:
            _record("outcome", "ok")
            _record("ok_by_root", case.operation.label.split(".")[0])
    if problems:
        raise AssertionError("; ".join(problems))


def _dump() -> None:
    path = os.environ.get("ATTACHE_FUZZ_STATS")
    if not path:
        return
    with _lock:
        out = {k: (dict(v) if isinstance(v, collections.Counter) else v) for k, v in _stats.items()}
    with open(path, "w") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)


atexit.register(_dump)
