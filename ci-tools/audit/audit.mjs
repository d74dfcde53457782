// Runs the graphql-http server audits (the GraphQL-over-HTTP reference
// implementation's conformance checks) against a running GraphQL endpoint.
//
//   node audit.mjs [URL]            (default: $GRAPHQL_URL, else http://127.0.0.1:8080/graphql)
//
// Prints every audit with its result; for each failing one, the reason and
// the request(s) sent with the response received. Ends with a summary line:
//   graphql-http audit: N audits, P passed, F failed (MUST failed: M)
// Exits 1 if any MUST audit fails (SHOULD and MAY failures are reported only),
// 2 if the audits could not run at all.
import { serverAudits } from 'graphql-http';

const url = process.argv[2] || process.env.GRAPHQL_URL || 'http://127.0.0.1:8080/graphql';
const verbose = process.env.AUDIT_VERBOSE === '1';

// Records every request an audit makes, so a failure can be shown with the
// request that caused it.
let sent = [];
async function recordingFetch(input, init = {}) {
  const req = {
    method: init.method || 'GET',
    url: String(input),
    headers: init.headers || {},
    body: init.body === undefined ? undefined : String(init.body),
  };
  sent.push(req);
  return fetch(input, init);
}

function clip(s, n = 600) {
  return s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s;
}

async function describeResponse(res) {
  if (!res) return '  (no response)';
  let body;
  try {
    body = await res.clone().text();
  } catch {
    try {
      body = await res.text();
    } catch (e) {
      body = `(body unreadable: ${e.message})`;
    }
  }
  const ct = res.headers.get('content-type');
  return `  response: ${res.status} ${res.statusText}; content-type: ${ct ?? '(none)'}\n  body: ${clip(body)}`;
}

function describeRequests(reqs) {
  return reqs
    .map((r) => {
      const h = Object.entries(r.headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join('; ');
      const b = r.body === undefined ? '' : `\n    body: ${clip(r.body, 300)}`;
      return `  request: ${r.method} ${decodeURIComponent(r.url)}\n    headers: ${h || '(none)'}${b}`;
    })
    .join('\n');
}

const audits = serverAudits({ url, fetchFn: recordingFetch });
const counts = { total: 0, passed: 0, failed: 0, MUST: 0, SHOULD: 0, MAY: 0 };
const failures = [];

console.log(`graphql-http server audits against ${url}`);
for (const audit of audits) {
  sent = [];
  counts.total++;
  let result;
  try {
    result = await audit.fn();
  } catch (e) {
    // graphql-http throws (rather than returning a failure) only when it
    // cannot run the audit at all, e.g. the server is unreachable.
    console.log(`FATAL [${audit.id}] ${audit.name}: ${e?.stack || e}`);
    process.exit(2);
  }
  const level = audit.name.split(' ')[0];
  if (result.status === 'ok') {
    counts.passed++;
    console.log(`pass  [${audit.id}] ${audit.name}`);
    if (verbose) console.log(describeRequests(sent));
  } else {
    counts.failed++;
    counts[level] = (counts[level] || 0) + 1;
    const tag = { error: 'FAIL', warn: 'warn', notice: 'note' }[result.status] || result.status;
    console.log(`${tag}  [${audit.id}] ${audit.name}`);
    const detail = `  reason: ${result.reason}\n${describeRequests(sent)}\n${await describeResponse(result.response)}`;
    console.log(detail);
    failures.push({ audit, result });
  }
  // Free the connection if the audit left the body unread.
  if (result.response?.body && !result.response.bodyUsed) {
    try {
      await result.response.body.cancel();
    } catch {}
  }
}

if (failures.length) {
  console.log('failed audits:');
  for (const { audit, result } of failures) {
    console.log(`  ${audit.name.split(' ')[0].padEnd(6)} [${audit.id}] ${audit.name}: ${result.reason} (got ${result.response?.status})`);
  }
}
console.log(
  `graphql-http audit: ${counts.total} audits, ${counts.passed} passed, ${counts.failed} failed ` +
    `(MUST failed: ${counts.MUST}, SHOULD failed: ${counts.SHOULD}, MAY failed: ${counts.MAY})`,
);
process.exit(counts.MUST > 0 ? 1 : 0);
