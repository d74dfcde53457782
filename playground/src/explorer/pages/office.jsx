// An office's holders, on its page: first as a timeline (tenure.jsx), then
// in a table, in the order every dated piece of
// evidence gives (tenure dates, vague dates such as "seen on" or "ended
// before", attendances and signatures in the capacity), each with how well
// the start and end are known and the evidence that placed them; then the
// contradictions the evidence shows.
import { CITE, useQuery } from '../api.js';
import { Cite, EntityLink, ErrorBox, Loading, Section, label } from '../ui.jsx';
import { N } from './common.jsx';
import { TenureChart } from './tenure.jsx';

const SHOWN = 50;
const BOUNDS = `earliest latest certainty`;
const HOLDERS = `query OfficeHolders($id: ID!) {
  office(id: $id) {
    id holdersCount
    holders(first: ${SHOWN}) {
      person { ${N} } tenure { id } acting
      dates { certainty start { ${BOUNDS} } end { ${BOUNDS} } }
      evidence(first: 20) { kind date { text } relation { id } ${CITE} } evidenceCount
    }
    evidenceIssues { kind message }
  }
}`;

/** "between A and B", "by B", "from A", "unknown": a start's or end's bounds in words. */
export function bounds(b) {
  if (!b || (!b.earliest && !b.latest)) return 'unknown';
  if (b.earliest === b.latest) return b.earliest;
  if (b.certainty === 'EXACT') return `${b.earliest} – ${b.latest}`;
  if (b.earliest && b.latest) return `between ${b.earliest} and ${b.latest}`;
  return b.latest ? `by ${b.latest}` : `after ${b.earliest}`;
}

/** A start's or end's bounds with its certainty as a tag. */
function Bound({ b }) {
  return (
    <span>
      {bounds(b)} <span className={`tag ${b.certainty.toLowerCase()}`} title="How the date is known">{label(b.certainty)}</span>
    </span>
  );
}

function Evidence({ list }) {
  return (
    <ul className="evidence">
      {list.map((e, i) => (
        <li key={i}>
          <span className="nowrap">{e.date.text}</span> {label(e.kind)} <Cite citations={e.citations} />
        </li>
      ))}
    </ul>
  );
}

export function OfficeHolders({ id }) {
  const q = useQuery(HOLDERS, { id });
  if (!q.data) return q.error ? <ErrorBox error={q.error} /> : <Loading />;
  const o = q.data.office;
  if (!o) return null;
  return (
    <>
      {o.holders.length > 0 && (
        <Section title="Holders over time" count={o.holdersCount} id="holders-timeline">
          <TenureChart label="Holders of the office over time" groups={[{ key: o.id, head: null, rows: o.holders }]} />
        </Section>
      )}
      <Section title="Holders, in the order the evidence gives" count={o.holdersCount} id="holders">
        {o.holders.length === 0 ? (
          <p className="muted">No holder recorded.</p>
        ) : (
          <table className="holders">
            <thead>
              <tr><th>Holder</th><th>Start</th><th>End</th><th>Evidence</th></tr>
            </thead>
            <tbody>
              {o.holders.map((h) => (
                <tr key={`${h.person?.id}:${h.tenure?.id ?? ''}`} data-holder={h.person?.id}>
                  <td>
                    <EntityLink node={h.person} />
                    {h.acting && <span className="tag">acting</span>}
                    {!h.tenure && <span className="tag" title="No tenure recorded; seen in this capacity">seen only</span>}
                  </td>
                  <td><Bound b={h.dates.start} /></td>
                  <td><Bound b={h.dates.end} /></td>
                  <td>
                    <Evidence list={h.evidence} />
                    {h.evidenceCount > h.evidence.length && <span className="muted">and {h.evidenceCount - h.evidence.length} more</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {o.holdersCount > SHOWN && <p className="muted">The first {SHOWN} of {o.holdersCount}.</p>}
      </Section>
      {o.evidenceIssues.length > 0 && (
        <Section title="The evidence disagrees" count={o.evidenceIssues.length} id="evidence-issues">
          <ul className="issues">
            {o.evidenceIssues.map((i, k) => (
              <li key={k}><span className="tag">{label(i.kind)}</span> {i.message}</li>
            ))}
          </ul>
        </Section>
      )}
    </>
  );
}
