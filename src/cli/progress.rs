//! Progress of `attache import` on standard error: how much of the files is
//! read, how many records, and an estimate of the time left. On a terminal,
//! a bar redrawn in place (indicatif); otherwise (a log, CI, a pipe) plain
//! lines, one each time another tenth of the bytes is read or 5 s pass,
//! and after those one at the end, so nothing in a log is a half-drawn bar.

use std::io::{IsTerminal, Read};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// How often a plain line is written at most when no tenth was crossed.
const PLAIN_EVERY: Duration = Duration::from_secs(5);

/// Shared by the readers of every file and the record counter.
#[derive(Clone)]
pub(super) struct Meter {
    bar: Option<ProgressBar>,
    /// Counts for the plain lines; a plain mutex held for a few additions.
    state: Arc<Mutex<State>>,
}

struct State {
    total: u64,
    bytes: u64,
    records: u64,
    started: Instant,
    last_line: Instant,
    last_tenth: u64,
    /// Whether a progress line was written.
    printed: bool,
}

fn bytes(n: u64) -> String {
    let n = n as f64;
    if n >= 1e9 {
        format!("{:.1} GB", n / 1e9)
    } else if n >= 1e6 {
        format!("{:.1} MB", n / 1e6)
    } else if n >= 1e3 {
        format!("{:.1} kB", n / 1e3)
    } else {
        format!("{n} B")
    }
}

impl State {
    /// The time left, from the share of the bytes read so far.
    fn eta(&self) -> Option<Duration> {
        if self.bytes == 0 || self.total == 0 {
            return None;
        }
        let done = self.bytes.min(self.total) as f64 / self.total as f64;
        let spent = self.started.elapsed().as_secs_f64();
        Some(Duration::from_secs_f64(spent * (1.0 - done) / done))
    }

    fn line(&self) -> String {
        let pct = (self.bytes.min(self.total) * 100)
            .checked_div(self.total)
            .unwrap_or(100);
        let eta = self
            .eta()
            .map_or_else(|| "unknown".to_owned(), |d| format!("{} s", d.as_secs()));
        format!(
            "import: read {} of {} ({pct}%), {} records, ETA {eta}",
            bytes(self.bytes),
            bytes(self.total),
            self.records
        )
    }
}

impl Meter {
    /// A meter over `total` bytes: a bar on a terminal, plain lines otherwise.
    pub(super) fn new(total: u64) -> Meter {
        let bar = std::io::stderr().is_terminal().then(|| {
            let pb = ProgressBar::new(total);
            pb.set_style(
                ProgressStyle::with_template(
                    "reading {bytes}/{total_bytes} {wide_bar} {msg}, ETA {eta}",
                )
                .expect("template"),
            );
            pb
        });
        let now = Instant::now();
        Meter {
            bar,
            state: Arc::new(Mutex::new(State {
                total,
                bytes: 0,
                records: 0,
                started: now,
                last_line: now,
                last_tenth: 0,
                printed: false,
            })),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// `n` more bytes read.
    fn read(&self, n: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(n);
        }
        let line = self.with(|s| {
            s.bytes += n;
            let tenth = (s.bytes.min(s.total) * 10)
                .checked_div(s.total)
                .unwrap_or(10);
            let due = tenth > s.last_tenth || s.last_line.elapsed() >= PLAIN_EVERY;
            (due && tenth < 10).then(|| {
                s.last_tenth = tenth;
                s.last_line = Instant::now();
                s.printed = true;
                s.line()
            })
        });
        if let (None, Some(line)) = (&self.bar, line) {
            eprintln!("{line}");
        }
    }

    /// One more record read.
    pub(super) fn record(&self) {
        let records = self.with(|s| {
            s.records += 1;
            s.records
        });
        if let Some(bar) = &self.bar {
            if records.is_multiple_of(256) {
                bar.set_message(format!("{records} records"));
            }
        }
    }

    /// Clears the bar, or writes the last plain line.
    pub(super) fn finish(&self) {
        match &self.bar {
            Some(bar) => bar.finish_and_clear(),
            None => {
                // Only after progress lines: a quick import stays quiet.
                let line = self.with(|s| {
                    s.printed.then(|| {
                        format!(
                            "import: read {} records ({}) in {:.1} s",
                            s.records,
                            bytes(s.bytes),
                            s.started.elapsed().as_secs_f64()
                        )
                    })
                });
                if let Some(line) = line {
                    eprintln!("{line}");
                }
            }
        }
    }

    /// `inner`, counting what is read from it.
    pub(super) fn reader<R: Read>(&self, inner: R) -> Metered<R> {
        Metered {
            inner,
            meter: self.clone(),
        }
    }
}

/// A reader that counts its bytes into a [`Meter`].
pub(super) struct Metered<R> {
    inner: R,
    meter: Meter,
}

impl<R: Read> Read for Metered<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.meter.read(n as u64);
        Ok(n)
    }
}
