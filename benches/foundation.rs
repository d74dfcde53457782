//! Foundation benchmark: import throughput and lookup latency on a synthetic graph.
//!
//! Run with `cargo bench --bench foundation` (or `scripts/bench.sh`). Prints a
//! table; asserts nothing about time.
//!
//! 1. A deterministic synthetic graph (~27k nodes, ~130k relations, every
//!    record valid and every non-source node cited) is built as an
//!    `attache/1` import document.
//! 2. Import: `attache::import::import` into an empty store, against a raw
//!    sled baseline (the same records as JSON values, one `apply_batch` per
//!    tree, one flush).
//! 3. Lookups over the real HTTP server (`attache::http::run`) with reqwest,
//!    against `{ __typename }` over the same path; and in-process
//!    `schema.execute` against `{ __typename }`.
//!
//! Environment knobs (all optional): `BENCH_REQUESTS` (timed requests per
//! query, default 2000), `BENCH_FILE_RECORDS` (records per import file;
//! 0 = the whole graph in one file; by default one file, unless the parse
//! probe finds parsing superlinear, then 1000).

use std::time::{Duration, Instant};

use attache::import::{ImportFile, FORMAT};
use attache::model::{
    AttendanceMode, AttendanceRole, Citation, MembershipStatus, Node, NodeId, PartialDate, RelId,
    RelKind, Relation,
};
use attache::service::Service;

// ---------------------------------------------------------------- sizes

const SOURCES: usize = 40;
const STATES: usize = 30;
const ORGANIZATIONS: usize = 60;
const PLACES: usize = 200;
const TOPICS: usize = 50;
const OFFICES: usize = 2_000;
const PERSONS: usize = 20_000;
const MEETINGS: usize = 5_000;
/// Distinct attendees per meeting.
const ATTENDEES: usize = 12;
/// Speeches per meeting.
const SPEECHES: usize = 2;
/// Organizations each state is a member of.
const MEMBERSHIPS: usize = 10;

const WARMUP: usize = 200;
/// File sizes (in relations) for the parse-time probe.
const PROBE_SIZES: [usize; 4] = [1_000, 2_000, 4_000, 8_000];

// ---------------------------------------------------------------- generator

/// Knuth's MMIX LCG; the high bits are good enough for picking.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A full date in `from_year .. from_year + years`, with its year.
    fn date(&mut self, from_year: i32, years: i32) -> (i32, PartialDate) {
        let y = from_year + self.below(years as usize) as i32;
        let d = PartialDate::ymd(y, 1 + self.below(12) as u8, 1 + self.below(28) as u8);
        (y, d)
    }
}

fn nid(s: String) -> NodeId {
    NodeId::parse(&s).expect("generated node id")
}

fn rid(s: String) -> RelId {
    RelId::parse(&s).expect("generated relation id")
}

fn source_id(i: usize) -> NodeId {
    nid(format!("source:src-{i:03}"))
}
fn state_id(i: usize) -> NodeId {
    nid(format!("state:st-{i:02}"))
}
fn org_id(i: usize) -> NodeId {
    nid(format!("organization:org-{i:02}"))
}
fn place_id(i: usize) -> NodeId {
    nid(format!("place:pl-{i:03}"))
}
fn topic_id(i: usize) -> NodeId {
    nid(format!("topic:tp-{i:02}"))
}
fn office_id(i: usize) -> NodeId {
    nid(format!("office:of-{i:04}"))
}
fn person_id(i: usize) -> NodeId {
    nid(format!("person:p-{i:05}"))
}
fn meeting_id(i: usize) -> NodeId {
    nid(format!("meeting:m-{i:04}"))
}

/// The offices person `p` holds; the first is the one they attend meetings in.
fn offices_of(p: usize) -> [usize; 2] {
    [p % OFFICES, (p * 7 + 3) % OFFICES]
}

/// The state an office belongs to (its jurisdiction).
fn state_of_office(o: usize) -> usize {
    o % STATES
}

struct Gen {
    rng: Lcg,
    nodes: Vec<Node>,
    relations: Vec<Relation>,
}

impl Gen {
    fn cite(&mut self) -> Vec<Citation> {
        vec![Citation {
            source: source_id(self.rng.below(SOURCES)),
            locator: Some(format!("¶{}", 1 + self.rng.below(20))),
        }]
    }

    fn node(&mut self, id: NodeId, name: String) -> Node {
        let mut n = Node::new(id, name);
        n.citations = self.cite().into();
        n
    }

    fn rel(&mut self, id: String, kind: RelKind, from: NodeId, to: NodeId) -> Relation {
        let mut r = Relation::new(rid(id), kind, from, to);
        r.citations = self.cite().into();
        r
    }

    fn build() -> Gen {
        let mut g = Gen {
            rng: Lcg(0x5eed_a77a_c4e0_0001),
            nodes: Vec::new(),
            relations: Vec::new(),
        };
        g.sources();
        g.world();
        g.people();
        g.meetings();
        g
    }

    fn sources(&mut self) {
        for i in 0..SOURCES {
            let mut n = Node::new(source_id(i), format!("Synthetic report number {i}"));
            n.kind = Some(
                if i % 3 == 0 {
                    "press release"
                } else {
                    "news report"
                }
                .into(),
            );
            n.date = Some(self.rng.date(2015, 10).1);
            n.url = Some(format!("https://news.example.org/reports/{i}"));
            n.publisher = Some(format!("Publisher {}", i % 7));
            n.language = Some("en".into());
            self.nodes.push(n);
        }
    }

    fn world(&mut self) {
        for s in 0..STATES {
            let mut n = self.node(state_id(s), format!("State {s}"));
            let a = b'A' + (s / 26) as u8;
            let b = b'A' + (s % 26) as u8;
            n.code = Some(String::from_utf8(vec![a, b]).unwrap());
            self.nodes.push(n);
        }
        for o in 0..ORGANIZATIONS {
            let mut n = self.node(org_id(o), format!("Organization {o}"));
            n.kind = Some("intergovernmental organization".into());
            self.nodes.push(n);
        }
        for s in 0..STATES {
            for k in 0..MEMBERSHIPS {
                let o = (s * 3 + k * 5) % ORGANIZATIONS;
                let mut r = self.rel(
                    format!("rel:member-{s:02}-{k:02}"),
                    RelKind::MemberOf,
                    state_id(s),
                    org_id(o),
                );
                r.status = Some(match self.rng.below(3) {
                    0 => MembershipStatus::Member,
                    1 => MembershipStatus::Observer,
                    _ => MembershipStatus::DialoguePartner,
                });
                r.start = Some(PartialDate::year(1990 + self.rng.below(30) as i32));
                self.relations.push(r);
            }
        }
        for p in 0..PLACES {
            let mut n = self.node(place_id(p), format!("City {p}"));
            n.kind = Some("city".into());
            self.nodes.push(n);
            let r = self.rel(
                format!("rel:located-{p:03}"),
                RelKind::LocatedIn,
                place_id(p),
                state_id(p % STATES),
            );
            self.relations.push(r);
        }
        for t in 0..TOPICS {
            let n = self.node(topic_id(t), format!("Topic {t}"));
            self.nodes.push(n);
        }
        for o in 0..OFFICES {
            let n = self.node(office_id(o), format!("Minister number {o}"));
            self.nodes.push(n);
            let r = self.rel(
                format!("rel:jurisdiction-{o:04}"),
                RelKind::Jurisdiction,
                office_id(o),
                state_id(state_of_office(o)),
            );
            self.relations.push(r);
            if o % 4 == 0 {
                let r = self.rel(
                    format!("rel:belongs-{o:04}"),
                    RelKind::BelongsTo,
                    office_id(o),
                    org_id(o % ORGANIZATIONS),
                );
                self.relations.push(r);
            }
        }
    }

    fn people(&mut self) {
        for p in 0..PERSONS {
            let mut n = self.node(person_id(p), format!("Person {p} Synthetic"));
            if p % 5 == 0 {
                n.description = Some(format!("A synthetic official, number {p}."));
            }
            self.nodes.push(n);
            for (k, o) in offices_of(p).into_iter().enumerate() {
                let (year, start) = self.rng.date(2000, 15);
                let end = (self.rng.below(2) == 0)
                    .then(|| PartialDate::ymd(year + 1 + self.rng.below(8) as i32, 6, 30));
                let mut r = self.rel(
                    format!("rel:holds-{p:05}-{k}"),
                    RelKind::Holds,
                    person_id(p),
                    office_id(o),
                );
                r.start = Some(start);
                r.end = end;
                r.acting = (self.rng.below(10) == 0).then_some(true);
                self.relations.push(r);
            }
        }
    }

    fn meetings(&mut self) {
        const MODES: [AttendanceMode; 3] = [
            AttendanceMode::InPerson,
            AttendanceMode::Online,
            AttendanceMode::Unknown,
        ];
        const ROLES: [AttendanceRole; 4] = [
            AttendanceRole::HeadOfDelegation,
            AttendanceRole::Delegate,
            AttendanceRole::Guest,
            AttendanceRole::Observer,
        ];
        // Strides so the attendees of one meeting are distinct persons.
        const STRIDE: usize = 1_637;
        for m in 0..MEETINGS {
            let mut n = self.node(meeting_id(m), format!("Meeting number {m} of officials"));
            n.kind = Some("ministerial meeting".into());
            let (year, start) = self.rng.date(2010, 15);
            n.start = Some(start);
            n.end = Some(PartialDate::ymd(year, 12, 31));
            self.nodes.push(n);

            let host = self.rng.below(STATES);
            let facts = [
                (RelKind::HostedBy, "hosted", state_id(host)),
                (
                    RelKind::OrganizedBy,
                    "organized",
                    org_id(self.rng.below(ORGANIZATIONS)),
                ),
                (
                    RelKind::HeldIn,
                    "held",
                    place_id(host + STATES * self.rng.below(PLACES / STATES)),
                ),
                (RelKind::About, "about", topic_id(self.rng.below(TOPICS))),
            ];
            for (kind, tag, to) in facts {
                let r = self.rel(format!("rel:{tag}-{m:04}"), kind, meeting_id(m), to);
                self.relations.push(r);
            }

            let first = self.rng.below(PERSONS);
            let attendees: Vec<usize> = (0..ATTENDEES)
                .map(|k| (first + k * STRIDE) % PERSONS)
                .collect();
            for (k, &p) in attendees.iter().enumerate() {
                let office = offices_of(p)[0];
                let mut r = self.rel(
                    format!("rel:att-{m:04}-{k:02}"),
                    RelKind::Attended,
                    person_id(p),
                    meeting_id(m),
                );
                r.mode = Some(MODES[self.rng.below(MODES.len())]);
                r.roles = vec![if k == 0 {
                    AttendanceRole::Chair
                } else {
                    ROLES[self.rng.below(ROLES.len())]
                }];
                r.capacity = Some(office_id(office));
                r.on_behalf_of = Some(state_id(state_of_office(office)));
                self.relations.push(r);
            }
            let r = self.rel(
                format!("rel:chaired-{m:04}"),
                RelKind::Chaired,
                person_id(attendees[0]),
                meeting_id(m),
            );
            self.relations.push(r);
            for (k, &p) in attendees.iter().take(SPEECHES).enumerate() {
                let mut r = self.rel(
                    format!("rel:spoke-{m:04}-{k}"),
                    RelKind::SpokeAt,
                    person_id(p),
                    meeting_id(m),
                );
                r.topic = Some(topic_id(self.rng.below(TOPICS)));
                r.on_behalf_of = Some(state_id(state_of_office(offices_of(p)[0])));
                r.summary = Some(format!("Spoke on cooperation, point {}.", k + 1));
                self.relations.push(r);
            }
        }
    }
}

/// One pretty-printed `attache/1` document, like an export.
fn import_file(nodes: &[Node], relations: &[Relation]) -> String {
    let file = ImportFile {
        format: FORMAT.to_owned(),
        nodes: nodes.to_vec(),
        relations: relations.to_vec(),
        conflicts: Vec::new(),
        redirects: Vec::new(),
    };
    serde_json::to_string_pretty(&file).expect("serialize")
}

/// Splits the graph into import files of at most `per_file` records (0 = one
/// file), nodes first.
fn import_files(g: &Gen, per_file: usize) -> Vec<(String, String)> {
    let total = g.nodes.len() + g.relations.len();
    let per_file = if per_file == 0 { total } else { per_file };
    let mut files = Vec::new();
    let (mut n, mut r) = (0, 0);
    while n + r < total {
        let n_end = (n + per_file).min(g.nodes.len());
        let r_end = (r + per_file - (n_end - n)).min(g.relations.len());
        let name = format!("synthetic-{:03}.json", files.len());
        files.push((
            name,
            import_file(&g.nodes[n..n_end], &g.relations[r..r_end]),
        ));
        (n, r) = (n_end, r_end);
    }
    files
}

// ---------------------------------------------------------------- statistics

struct Stats {
    p50: f64,
    p99: f64,
    mean: f64,
}

fn stats(mut samples: Vec<Duration>) -> Stats {
    samples.sort();
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let at = |q: f64| us(samples[((samples.len() - 1) as f64 * q).round() as usize]);
    Stats {
        p50: at(0.50),
        p99: at(0.99),
        mean: samples.iter().map(|d| us(*d)).sum::<f64>() / samples.len() as f64,
    }
}

fn row(label: &str, s: &Stats, base: Option<&Stats>) {
    let ratio = match base {
        Some(b) => format!(
            "   vs trivial: p50 {:.1}x  mean {:.1}x",
            s.p50 / b.p50,
            s.mean / b.mean
        ),
        None => String::new(),
    };
    println!(
        "  {label:<28} p50 {:>8.1} us   p99 {:>8.1} us   mean {:>8.1} us{ratio}",
        s.p50, s.p99, s.mean
    );
}

// ---------------------------------------------------------------- queries

const PERSON_QUERY: &str = "query($id: ID!) { person(id: $id) { id name \
    attendances { mode role meeting { id name startDate { text } } capacity { id name } \
    onBehalfOf { id name } } } }";
const MEETING_QUERY: &str =
    "query($id: ID!) { meeting(id: $id) { id name startDate { text } endDate { text } \
    attendances { mode role person { id name } capacity { name } } } }";
const TRIVIAL_QUERY: &str = "{ __typename }";

fn body(query: &str, id: Option<&NodeId>) -> serde_json::Value {
    match id {
        Some(id) => serde_json::json!({ "query": query, "variables": { "id": id.as_str() } }),
        None => serde_json::json!({ "query": query }),
    }
}

/// Persons to look up, in a fixed order: ones with attendances.
fn lookup_persons(g: &Gen, n: usize) -> Vec<NodeId> {
    let mut seen = std::collections::HashSet::new();
    g.relations
        .iter()
        .filter(|r| r.kind == RelKind::Attended)
        .step_by(7)
        .filter(|r| seen.insert(r.from.clone()))
        .map(|r| r.from.clone())
        .take(n)
        .collect()
}

fn lookup_meetings(n: usize) -> Vec<NodeId> {
    (0..n).map(|i| meeting_id((i * 37) % MEETINGS)).collect()
}

async fn http_series(
    client: &reqwest::Client,
    url: &str,
    query: &str,
    ids: Option<&[NodeId]>,
    n: usize,
) -> Stats {
    let bodies: Vec<serde_json::Value> = match ids {
        Some(ids) => ids.iter().map(|id| body(query, Some(id))).collect(),
        None => vec![body(query, None)],
    };
    let send = |i: usize| {
        let b = &bodies[i % bodies.len()];
        async move {
            let t = Instant::now();
            let resp = client.post(url).json(b).send().await.expect("request");
            let v: serde_json::Value = resp.json().await.expect("json response");
            let dt = t.elapsed();
            (dt, v)
        }
    };
    for i in 0..WARMUP {
        let (_, v) = send(i).await;
        check_response(&v);
    }
    let mut samples = Vec::with_capacity(n);
    for i in 0..n {
        let (dt, v) = send(i).await;
        if i == 0 {
            check_response(&v);
        }
        samples.push(dt);
    }
    stats(samples)
}

fn check_response(v: &serde_json::Value) {
    assert!(
        v.get("errors").is_none() && v["data"].is_object(),
        "unexpected response: {v}"
    );
    if let Some(obj) = v["data"].as_object() {
        for (k, field) in obj {
            assert!(!field.is_null(), "`{k}` is null: {v}");
        }
    }
}

async fn inprocess_series(
    schema: &attache::api::AttacheSchema,
    query: &str,
    ids: Option<&[NodeId]>,
    n: usize,
) -> Stats {
    let req = |i: usize| {
        let r = async_graphql::Request::new(query);
        match ids {
            Some(ids) => r.variables(async_graphql::Variables::from_json(
                serde_json::json!({ "id": ids[i % ids.len()].as_str() }),
            )),
            None => r,
        }
    };
    for i in 0..WARMUP {
        let resp = schema.execute(req(i)).await;
        assert!(resp.errors.is_empty(), "errors: {:?}", resp.errors);
    }
    let mut samples = Vec::with_capacity(n);
    for i in 0..n {
        let r = req(i);
        let t = Instant::now();
        let resp = schema.execute(r).await;
        samples.push(t.elapsed());
        assert!(resp.errors.is_empty());
    }
    stats(samples)
}

// ---------------------------------------------------------------- phases

/// Raw sled 0.34: the same records as JSON, one batch per tree, one flush.
fn raw_sled_baseline(g: &Gen) -> Duration {
    let dir = tempfile::tempdir().expect("tempdir");
    let t = Instant::now();
    let db = sled::Config::new()
        .path(dir.path())
        .open()
        .expect("open sled");
    let nodes = db.open_tree("nodes").expect("tree");
    let rels = db.open_tree("relations").expect("tree");
    let mut nb = sled::Batch::default();
    for n in &g.nodes {
        nb.insert(n.id.as_str(), serde_json::to_vec(n).expect("encode"));
    }
    let mut rb = sled::Batch::default();
    for r in &g.relations {
        rb.insert(r.id.as_str(), serde_json::to_vec(r).expect("encode"));
    }
    nodes.apply_batch(nb).expect("batch");
    rels.apply_batch(rb).expect("batch");
    db.flush().expect("flush");
    let dt = t.elapsed();
    assert_eq!(nodes.len() + rels.len(), g.nodes.len() + g.relations.len());
    dt
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        // `cargo test --all-targets` runs bench binaries without `--bench`:
        // check that the generator makes valid records, and stop there.
        let g = Gen::build();
        let text = import_file(&g.nodes, &g.relations[..1_000]);
        let parsed =
            attache::import::parse_files(&[("smoke.json".to_owned(), text)]).expect("parse");
        println!(
            "foundation smoke run: {} records parse; `cargo bench --bench foundation` for the benchmark",
            parsed.changes.len()
        );
        return;
    }
    let requests = env_usize("BENCH_REQUESTS", 2_000);
    let per_file = std::env::var("BENCH_FILE_RECORDS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");

    println!("== attache foundation benchmark ==");
    println!(
        "machine: {} cpus available, {} build",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );

    // 1. Generate.
    let t = Instant::now();
    let g = Gen::build();
    let records = g.nodes.len() + g.relations.len();
    let count = |k: RelKind| g.relations.iter().filter(|r| r.kind == k).count();
    println!(
        "generate  {} nodes + {} relations = {records} records, {:.2} s",
        g.nodes.len(),
        g.relations.len(),
        t.elapsed().as_secs_f64()
    );
    println!(
        "          attended {}, holds {}, spoke_at {}, chaired {}, other {}",
        count(RelKind::Attended),
        count(RelKind::Holds),
        count(RelKind::SpokeAt),
        count(RelKind::Chaired),
        g.relations.len()
            - count(RelKind::Attended)
            - count(RelKind::Holds)
            - count(RelKind::SpokeAt)
            - count(RelKind::Chaired)
    );

    // Parse time against file size: one file of the first n relations.
    let mut probe = Vec::new();
    for n in PROBE_SIZES {
        let text = import_file(&[], &g.relations[..n]);
        let files = [("probe.json".to_owned(), text)];
        let t = Instant::now();
        let parsed = attache::import::parse_files(&files).expect("parse");
        let dt = t.elapsed();
        assert_eq!(parsed.changes.len(), n);
        probe.push((n, files[0].1.len(), dt));
    }
    println!("parse_files, one file of n relations:");
    for (n, len, dt) in &probe {
        println!(
            "          n {n:>6}   {:>5.1} MB   {:>7.3} s   {:>8.0} rec/s",
            *len as f64 / 1e6,
            dt.as_secs_f64(),
            *n as f64 / dt.as_secs_f64()
        );
    }
    let (n, _, dt) = probe[probe.len() - 1];
    let (n0, _, dt0) = probe[0];
    let exponent = (dt.as_secs_f64() / dt0.as_secs_f64()).ln() / (n as f64 / n0 as f64).ln();
    println!(
        "          growth ~ n^{exponent:.2}; extrapolated parse of all {records} records as one file: {:.1} s",
        dt.as_secs_f64() * (records as f64 / n as f64).powf(exponent)
    );
    // One file, like an export, unless parsing grows much faster than
    // linearly (one file would then take many minutes): files of 1000 records.
    let per_file = match per_file {
        Some(n) => n,
        None if exponent > 1.5 => {
            println!(
                "          WARNING: parse time grows ~ n^{exponent:.2}; importing in files of 1000 records \
                 (set BENCH_FILE_RECORDS=0 to force one file)"
            );
            1_000
        }
        None => 0,
    };

    let t = Instant::now();
    let files = import_files(&g, per_file);
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    println!(
        "files     {} file(s) of <= {} records, {:.1} MB of pretty JSON, written in {:.2} s",
        files.len(),
        if per_file == 0 { records } else { per_file },
        bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );

    // 2. Import vs raw sled.
    let store_dir = tempfile::tempdir().expect("tempdir");
    let (service, import_time, report) = rt.block_on(async {
        let service = Service::open(store_dir.path()).expect("open service");
        let t = Instant::now();
        let report = attache::import::import(&service, &files, vec![])
            .await
            .unwrap_or_else(|e| panic!("import failed: {e}"));
        (service, t.elapsed(), report)
    });
    assert_eq!(report.records, records);
    assert_eq!(report.created, records);
    let baseline = raw_sled_baseline(&g);
    let rate = |d: Duration| records as f64 / d.as_secs_f64();
    println!();
    println!(
        "import    {records} records   {:.2} s   {:.0} rec/s   baseline raw sled batch {:.2} s   {:.0} rec/s   ratio {:.1}x",
        import_time.as_secs_f64(),
        rate(import_time),
        baseline.as_secs_f64(),
        rate(baseline),
        import_time.as_secs_f64() / baseline.as_secs_f64()
    );

    // Where the import time goes: parsing alone, on the same files.
    let t = Instant::now();
    let parsed = attache::import::parse_files(&files).expect("parse");
    let parse_time = t.elapsed();
    assert_eq!(parsed.changes.len(), records);
    drop(parsed);
    println!(
        "          of which parse_files {:.2} s ({:.0}%), the rest (plan, sled transaction, flush) {:.2} s",
        parse_time.as_secs_f64(),
        100.0 * parse_time.as_secs_f64() / import_time.as_secs_f64(),
        import_time.saturating_sub(parse_time).as_secs_f64()
    );

    // 2b. One small write on the imported graph: the working copy is the
    // recycled previous snapshot, against the same writes while a reader holds
    // that snapshot, which forces a copy of the whole graph (the baseline).
    let writes = env_usize("BENCH_WRITES", 200);
    let (n_recycled, n_copied, recycled, copied) = rt.block_on(async {
        let mut rng = Lcg(11);
        let mut one = |i: usize| {
            let mut r = Relation::new(
                rid(format!("rel:bench-write-{i}")),
                RelKind::Attended,
                person_id(rng.below(PERSONS)),
                meeting_id(rng.below(MEETINGS)),
            );
            r.citations = vec![Citation {
                source: source_id(0),
                locator: None,
            }]
            .into();
            vec![attache::service::Change::Put(
                attache::service::Mode::Create,
                attache::service::Record::Relation(r),
            )]
        };
        // Warm up: the first writes after the import may copy.
        for i in 0..3 {
            service.write(one(usize::MAX - i)).await.expect("write");
        }
        // Blocks of 20 writes, alternating, so that drift in sled's own
        // background work weighs on both sides alike. Each write is filed by
        // what it actually did (the service counts reuses and copies).
        let mut recycled = Vec::with_capacity(writes);
        let mut copied = Vec::with_capacity(writes);
        let mut i = 0;
        while recycled.len() < writes || copied.len() < writes {
            for copy in [false, true] {
                // A reader taken before each write and kept across the next
                // one holds the snapshot that write would recycle.
                let mut readers = std::collections::VecDeque::new();
                for _ in 0..20 {
                    let change = one(i);
                    i += 1;
                    if copy {
                        readers.push_back(service.graph());
                        if readers.len() > 2 {
                            readers.pop_front();
                        }
                    }
                    let before = service.working_copies();
                    let t = Instant::now();
                    service.write(change).await.expect("write");
                    let dt = t.elapsed();
                    if service.working_copies().1 > before.1 {
                        copied.push(dt);
                    } else {
                        recycled.push(dt);
                    }
                }
            }
        }
        (recycled.len(), copied.len(), stats(recycled), stats(copied))
    });
    println!();
    println!("one-relation write on the imported graph, {writes} sequential each (flush included)");
    println!(
        "  {:<28} p50 {:>8.1} us   p99 {:>8.1} us   mean {:>8.1} us   ({n_recycled} writes)",
        "recycled snapshot (ours)", recycled.p50, recycled.p99, recycled.mean
    );
    println!(
        "  {:<28} p50 {:>8.1} us   p99 {:>8.1} us   mean {:>8.1} us   ({n_copied} writes)   ours/baseline p50 {:.2}x  mean {:.2}x",
        "full copy (reader held)", copied.p50, copied.p99, copied.mean,
        recycled.p50 / copied.p50, recycled.mean / copied.mean
    );

    // 3. Lookups.
    let persons = lookup_persons(&g, 500);
    let meetings = lookup_meetings(500);
    let persons = &persons[..];
    let meetings = &meetings[..];
    let schema = attache::api::schema(service.clone());
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(attache::http::run(
            listener,
            service.clone(),
            attache::http::Options::default(),
            async {
                let _ = stop_rx.await;
            },
        ));
        let url = format!("http://{addr}/graphql");
        let client = reqwest::Client::new();

        let (sc, ps, ms) = (schema.clone(), persons.to_vec(), meetings.to_vec());
        let (trivial, person, meeting) = tokio::spawn(async move {
            let trivial = inprocess_series(&sc, TRIVIAL_QUERY, None, requests).await;
            let person = inprocess_series(&sc, PERSON_QUERY, Some(&ps), requests).await;
            let meeting = inprocess_series(&sc, MEETING_QUERY, Some(&ms), requests).await;
            (trivial, person, meeting)
        })
        .await
        .expect("in-process task");
        println!();
        println!("lookup in-process schema.execute, {requests} sequential each");
        row("{ __typename } (baseline)", &trivial, None);
        row("person + attendances", &person, Some(&trivial));
        row("meeting + attendances", &meeting, Some(&trivial));
        let trivial = http_series(&client, &url, TRIVIAL_QUERY, None, requests).await;
        let person = http_series(&client, &url, PERSON_QUERY, Some(persons), requests).await;
        let meeting = http_series(&client, &url, MEETING_QUERY, Some(meetings), requests).await;
        println!();
        println!(
            "lookup over HTTP, {requests} sequential POST /graphql each (after {WARMUP} warm-up)"
        );
        row("{ __typename } (baseline)", &trivial, None);
        row("person + attendances", &person, Some(&trivial));
        row("meeting + attendances", &meeting, Some(&trivial));

        let _ = stop_tx.send(());
        server
            .await
            .expect("server task")
            .expect("server shut down cleanly");
    });
    drop(schema);
    drop(service);
}
