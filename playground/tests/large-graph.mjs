// A deterministic synthetic `attache/1` import of just over 100,000 nodes and
// about 340,000 relations, for the scale test (scale.test.mjs). Every record
// is valid for the importer and every non-source record is cited. It holds
// one person with hundreds of meetings (BIG_PERSON) and one meeting with
// hundreds of attendees, speeches and signatories (BIG_MEETING).
//
// The import is written as numbered part files of at most `partSize` records,
// nodes first, so each part names only records of itself or earlier parts and
// the parts can be imported one transaction each, in order (one transaction of
// everything takes ~24 KB of memory per record in `attache import`).
//
//   node tests/large-graph.mjs OUT_DIR [scale]   # scale 1 = full size
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIG_PERSON = { id: 'person:zinaida-vorontsova-halloran', name: 'Zinaida Vorontsova-Halloran' };
export const BIG_MEETING = { id: 'meeting:world-assembly-of-justice-ministers-2023', name: 'World Assembly of Justice Ministers 2023' };
/**
 * About how many meetings the big person attends (the exact count is returned
 * by writeLargeGraph); the attendees (and the big person), speeches and
 * signatories of the big meeting's declaration.
 */
export const BIG = { personMeetings: 600, meetingAttendees: 500, meetingSpeeches: 150, declarationSignatories: 200 };

const FIRST_YEAR = 1995;
const YEARS = 30;

/** Sizes at scale 1 (the counts of nodes sum to just over 100,000). */
function sizes(scale) {
  const n = (x, min) => Math.max(min, Math.round(x * scale));
  return {
    sources: n(400, 10),
    states: n(190, 10),
    nationalBodies: n(950, 10), // organizations 0..: part of a state
    internationalOrgs: n(550, 5), // organizations after them: states are members
    places: n(5000, 20),
    topics: n(250, 5),
    series: n(600, 5),
    offices: n(8000, BIG.meetingAttendees),
    persons: n(48500, 600),
    meetings: n(22000, BIG.personMeetings * 2),
    documents: n(14000, 10),
  };
}

// mulberry32: small, fast, and the same on every machine.
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, below: (n) => Math.floor(next() * n), pick: (xs) => xs[Math.floor(next() * xs.length)] };
}

const SYLLABLES = ['ka', 'ro', 'vin', 'tal', 'mer', 'os', 'dun', 'bel', 'sar', 'ne', 'quor', 'li', 'ma', 'zet', 'hal',
  'gor', 'ven', 'tra', 'mi', 'las', 'do', 'rik', 'sen', 'ul', 'bra', 'fen', 'pe', 'ya', 'cor', 'thi'];
const FIRST_NAMES = ['Amara', 'Bogdan', 'Chen', 'Dilnoza', 'Emil', 'Farida', 'Goran', 'Hana', 'Ilias', 'Jamila', 'Kenji',
  'Leyla', 'Marek', 'Nadia', 'Oskar', 'Priya', 'Qasim', 'Rosa', 'Sergei', 'Tamar', 'Umar', 'Vera', 'Wei', 'Ximena',
  'Yusuf', 'Zofia', 'Arman', 'Beatriz', 'Dmitri', 'Elif', 'Felix', 'Gulnara', 'Hugo', 'Irina', 'Jonas', 'Kamila'];
const BODIES = ['Ministry of Justice', 'Prosecutor General\u2019s Office', 'Ministry of Foreign Affairs', 'Supreme Court', 'Ministry of the Interior'];
const OFFICE_TITLES = ['Minister of Justice', 'Prosecutor General', 'Minister of Foreign Affairs', 'Chief Justice', 'Minister of the Interior',
  'Deputy Minister of Justice', 'Deputy Prosecutor General'];
const MODES = ['in_person', 'online', 'unknown'];
const ROLES = ['head_of_delegation', 'delegate', 'guest', 'observer'];

const cap = (s) => s[0].toUpperCase() + s.slice(1);
const pad = (i, w) => String(i).padStart(w, '0');

/**
 * Writes the import into the directory `dir` (emptied first) as part files.
 * Returns their paths in import order, the counts and the time taken.
 */
export function writeLargeGraph(dir, { scale = 1, partSize = 75_000 } = {}) {
  const t0 = Date.now();
  const S = sizes(scale);
  const r = rng(0x5eedda7a);
  const word = (n) => cap(Array.from({ length: n }, () => r.pick(SYLLABLES)).join(''));

  const bigMeeting = Math.floor((S.meetings * (2023 - FIRST_YEAR + 0.5)) / YEARS); // meetings are in date order: one in 2023

  // ids
  const src = (i) => `source:s-${pad(i, 4)}`;
  const state = (i) => `state:st-${pad(i, 3)}`;
  const org = (i) => `organization:o-${pad(i, 4)}`;
  const intl = (i) => org(S.nationalBodies + i);
  const place = (i) => `place:pl-${pad(i, 5)}`;
  const topic = (i) => `topic:t-${pad(i, 3)}`;
  const series = (i) => `series:se-${pad(i, 4)}`;
  const office = (i) => `office:of-${pad(i, 5)}`;
  const person = (i) => `person:p-${pad(i, 6)}`;
  const meeting = (i) => (i === bigMeeting ? BIG_MEETING.id : `meeting:m-${pad(i, 6)}`);
  const doc = (i) => `document:d-${pad(i, 5)}`;

  // Records are made interleaved (a node, then its relations), kept as JSON
  // lines, and written out at the end, nodes first.
  const lists = { nodes: [], relations: [] };
  const put = (kind, obj) => lists[kind].push(JSON.stringify(obj));
  const cite = () => [{ source: src(r.below(S.sources)), locator: `\u00b6${1 + r.below(30)}` }];
  const node = (id, name, extra = {}) => put('nodes', { id, name, ...extra, citations: cite() });
  let relSeq = 0;
  const rel = (tag, kind, from, to, extra = {}) =>
    put('relations', { id: `rel:${tag}-${pad(relSeq++, 7)}`, kind, from, to, ...extra, citations: cite() });

  // ---- sources, the world
  for (let i = 0; i < S.sources; i++) {
    put('nodes', {
      id: src(i), name: `${word(2)} Daily report ${i}`, kind: i % 4 === 0 ? 'press release' : 'news report',
      date: `${FIRST_YEAR + (i % YEARS)}-${pad(1 + (i % 12), 2)}`, url: `https://news.example.org/reports/${i}`,
      publisher: `${word(2)} News`, language: 'en',
    });
  }
  const stateNames = [];
  for (let i = 0; i < S.states; i++) {
    const name = `${word(2)}${r.pick(['ia', 'stan', 'land', 'ova', 'ica'])}`;
    stateNames.push(name);
    node(state(i), name, { code: String.fromCharCode(65 + Math.floor(i / 26), 65 + (i % 26)) });
  }
  for (let i = 0; i < S.nationalBodies; i++) {
    const s = i % S.states;
    node(org(i), `${BODIES[Math.floor(i / S.states) % BODIES.length]} of ${stateNames[s]}`, { kind: 'government body' });
    rel('part-of', 'part_of', org(i), state(s));
  }
  for (let i = 0; i < S.internationalOrgs; i++) {
    node(intl(i), `${word(2)} ${r.pick(['Cooperation Organization', 'Council', 'Union', 'Commission', 'Forum'])}`,
      { kind: 'intergovernmental organization' });
  }
  for (let s = 0; s < S.states; s++) {
    for (let k = 0; k < 5; k++) {
      rel('member', 'member_of', state(s), intl((s * 7 + k * 11) % S.internationalOrgs),
        { status: r.pick(['member', 'member', 'observer', 'dialogue_partner']), start: String(1960 + r.below(60)) });
    }
  }
  const placesPer = Math.floor(S.places / S.states);
  for (let i = 0; i < S.places; i++) {
    node(place(i), `${word(2)}${r.pick(['grad', 'burg', 'abad', 'ville', 'ton', ''])}`, { kind: 'city' });
    rel('located', 'located_in', place(i), state(i % S.states));
  }
  for (let i = 0; i < S.topics; i++) node(topic(i), `${r.pick(['Cooperation on', 'Recovery of', 'Combating', 'Exchange on'])} ${word(3).toLowerCase()} matters ${i}`);
  const seriesOrg = [];
  const seriesNames = [];
  for (let i = 0; i < S.series; i++) {
    seriesOrg.push(r.below(S.internationalOrgs));
    seriesNames.push(`${word(2)} ${r.pick(['Ministerial Council', 'Prosecutors Forum', 'Working Group', 'Summit'])}`);
    node(series(i), `Meetings of the ${seriesNames[i]}`);
    rel('series-org', 'organized_by', series(i), intl(seriesOrg[i]));
  }
  for (let o = 0; o < S.offices; o++) {
    const s = o % S.states;
    node(office(o), `${OFFICE_TITLES[Math.floor(o / S.states) % OFFICE_TITLES.length]} of ${stateNames[s]} (${Math.floor(o / (S.states * OFFICE_TITLES.length)) + 1})`);
    rel('jurisdiction', 'jurisdiction', office(o), state(s));
    rel('belongs', 'belongs_to', office(o), org(s + S.states * (o % Math.floor(S.nationalBodies / S.states))));
  }

  // ---- people: person i holds office i % offices, the k-th holder (k = i / offices), five years each
  const tenureYear = (o, k) => FIRST_YEAR - 5 + k * 5 + (o % 5);
  const holders = Math.ceil(S.persons / S.offices);
  for (let i = 0; i < S.persons; i++) {
    const o = i % S.offices;
    const k = Math.floor(i / S.offices);
    node(person(i), `${r.pick(FIRST_NAMES)} ${word(2 + (i % 2))}${i % 3 ? '' : r.pick(['ov', 'ova', 'ez', 'sen'])}`);
    const start = tenureYear(o, k);
    const last = k === holders - 1 || i + S.offices >= S.persons;
    rel('holds', 'holds', person(i), office(o), {
      start: `${start}-${pad(1 + (i % 12), 2)}`,
      ...(last ? {} : { end: `${start + 5}-${pad(1 + (i % 12), 2)}` }),
      ...(i % 17 === 0 ? { acting: true } : {}),
    });
  }
  // The holder of office `o` in `year` (or the nearest one there is).
  const holderIn = (o, year) => {
    let k = Math.max(0, Math.floor((year - tenureYear(o, 0)) / 5));
    while (k > 0 && k * S.offices + o >= S.persons) k--;
    return k * S.offices + o;
  };
  // The big person's own two offices, in state 1.
  const bigOffices = ['office:envoy-for-legal-cooperation-1', 'office:secretary-general-of-justice-assemblies-1'];
  node(bigOffices[0], `Special Envoy of ${stateNames[1]} for Legal Cooperation`);
  node(bigOffices[1], `Secretary General of the Justice Assemblies of ${stateNames[1]}`);
  for (const o of bigOffices) rel('jurisdiction', 'jurisdiction', o, state(1));
  node(BIG_PERSON.id, BIG_PERSON.name, {
    aliases: [{ text: 'Зинаида Воронцова-Халлоран', lang: 'ru', script: 'Cyrl', kind: 'native_script', citations: cite() }],
    description: 'A synthetic official who attended hundreds of meetings (scale test).',
  });
  rel('holds', 'holds', BIG_PERSON.id, bigOffices[0], { start: '1995-03', end: '2009-12' });
  rel('holds', 'holds', BIG_PERSON.id, bigOffices[1], { start: '2010-01' });

  // ---- meetings, in date order; the big person attended one in every `everyBig`
  const everyBig = Math.floor(S.meetings / BIG.personMeetings);
  let docs = 0;
  let bigPersonMeetings = 0;
  let bigMeetingAttendees = 0;
  for (let m = 0; m < S.meetings; m++) {
    const year = FIRST_YEAR + Math.floor((m * YEARS) / S.meetings);
    const date = `${year}-${pad(1 + r.below(12), 2)}-${pad(1 + r.below(28), 2)}`;
    const host = r.below(S.states);
    const big = m === bigMeeting;
    const inSeries = big || m % 4 !== 0;
    const se = m % S.series;
    const ordinal = Math.floor(m / S.series) + 1;
    const name = big ? BIG_MEETING.name
      : inSeries ? `${seriesNames[se]}, meeting ${ordinal} (${stateNames[host]}, ${year})`
        : `Talks in ${stateNames[host]} on ${word(3).toLowerCase()}, ${date}`;
    const precise = big || m % 10 !== 0;
    node(meeting(m), name, {
      kind: inSeries ? 'ministerial meeting' : 'bilateral talks',
      start: precise ? date : date.slice(0, 7), ...(precise ? { end: date } : {}),
    });
    rel('held', 'held_in', meeting(m), place(host + S.states * r.below(placesPer)));
    rel('hosted', 'hosted_by', meeting(m), state(host));
    if (inSeries) rel('in-series', 'in_series', meeting(m), series(se), { ordinal });
    if (m % 2 === 0) rel('organized', 'organized_by', meeting(m), intl(inSeries ? seriesOrg[se] : r.below(S.internationalOrgs)));
    if (m % 3 === 0) rel('about', 'about', meeting(m), topic(r.below(S.topics)));

    // Attendees: the holders, in that year, of distinct offices.
    const n = big ? BIG.meetingAttendees : 3 + r.below(4);
    const base = big ? 0 : r.below(S.offices);
    const people = [];
    for (let k = 0; k < n; k++) {
      const o = big ? k : (base + k * 131) % S.offices;
      people.push([person(holderIn(o, year)), office(o), state(o % S.states)]);
    }
    if (big || m % everyBig === 7) {
      people.splice(1, 0, [BIG_PERSON.id, bigOffices[year < 2010 ? 0 : 1], state(1)]);
      bigPersonMeetings += 1;
    }
    if (big) bigMeetingAttendees = people.length;
    people.forEach(([p, o, s], k) => {
      rel('att', 'attended', p, meeting(m), {
        mode: MODES[r.below(3)], role: k === 0 ? 'chair' : ROLES[r.below(ROLES.length)], capacity: o, on_behalf_of: s,
      });
    });
    rel('chaired', 'chaired', people[0][0], meeting(m));
    const speakers = big ? BIG.meetingSpeeches : 1 + (people[1][0] === BIG_PERSON.id && Math.floor(m / everyBig) % 3 === 0 ? 1 : 0);
    for (let k = 0; k < speakers; k++) {
      const [p, , s] = people[k];
      rel('spoke', 'spoke_at', p, meeting(m), { topic: topic(r.below(S.topics)), on_behalf_of: s, summary: `Spoke on cooperation, point ${k + 1}.` });
    }
    // Documents: one adopted at two meetings in three (while they last), signed
    // by two; the big meeting's declaration is signed by hundreds.
    if ((m % 3 !== 0 && docs < S.documents - 1) || big) {
      const d = docs++;
      node(doc(d), big ? `Declaration of the ${BIG_MEETING.name}` : `Protocol of meeting ${m}`, {
        kind: big ? 'declaration' : 'protocol', date: date.slice(0, precise ? 10 : 7), language: 'en',
      });
      rel('adopted', 'adopted_at', doc(d), meeting(m));
      if (m % 3 === 1) rel('doc-about', 'about', doc(d), topic(r.below(S.topics)));
      const signers = big ? BIG.declarationSignatories : 2;
      for (let k = 0; k < signers; k++) {
        const [p, o, s] = people[k];
        rel('signed', 'signed', p, doc(d), { date: date.slice(0, precise ? 10 : 7), capacity: o, on_behalf_of: s });
      }
    }
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const records = [...lists.nodes.map((x) => ['nodes', x]), ...lists.relations.map((x) => ['relations', x])];
  const parts = [];
  let bytes = 0;
  for (let at = 0; at < records.length; at += partSize) {
    const slice = records.slice(at, at + partSize);
    const of = (kind) => slice.filter(([k]) => k === kind).map(([, x]) => x);
    let text = '{\n"format": "attache/1"';
    for (const kind of ['nodes', 'relations']) {
      const lines = of(kind);
      if (lines.length) text += `,\n"${kind}": [\n${lines.join(',\n')}\n]`;
    }
    text += '\n}\n';
    const path = join(dir, `part-${pad(parts.length + 1, 2)}.json`);
    writeFileSync(path, text);
    bytes += Buffer.byteLength(text);
    parts.push(path);
  }
  return {
    parts, bytes, nodes: lists.nodes.length, relations: lists.relations.length, meetings: S.meetings, documents: docs,
    bigPersonMeetings, bigMeetingAttendees, ms: Date.now() - t0,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node tests/large-graph.mjs OUT_DIR [scale]');
    process.exit(2);
  }
  const info = writeLargeGraph(out, { scale: Number(process.argv[3] || 1) });
  console.log(`${info.nodes} nodes, ${info.relations} relations, ${(info.bytes / 1e6).toFixed(1)} MB in ${info.parts.length} parts, ${info.ms} ms → ${out}`);
}
