//! A stable, coverage-free mutation fuzzer for every phase of planc.
//!
//! `cargo fuzz` needs nightly `-Z` flags and libFuzzer; this harness runs on
//! stable and in plain `cargo test`. It is seeded with every `.plan` file
//! under `samples/` and `tests/` (the reproducers in `tests/fuzz/` too),
//! mutates them (bytes, lines, tokens, keywords, deep nesting, long strings,
//! odd Unicode, invalid UTF-8) with a seeded `rand_pcg` generator and feeds
//! each input through one phase of the pipeline:
//!
//! - `fuzz_parser`: loading and parsing (`syntax::load_str`, or the file
//!   loader for bytes that are not UTF-8);
//! - `fuzz_checker`: parsing and checking;
//! - `fuzz_scheduler`: checking and scheduling (`planc::compile`);
//! - `fuzz_renderers`: scheduling and every output format;
//! - `fuzz_readers`: the fast hand-written reader against the pest grammar:
//!   wherever the fast one accepts a text the grammar must build the same
//!   tree, spans included, and `syntax::parse` (both readers, and error
//!   recovery that reads intact declarations fast) must give exactly the
//!   tree and diagnostics of the grammar alone.
//!
//! An input that panics, or runs longer than [`HANG`], fails the test; it is
//! written to `target/fuzz-crash-<target>-<n>.plan` and the seed is printed.
//! Crashes found once become regression inputs in `tests/fuzz/`, which
//! `fuzz_regressions` runs every time.
//!
//! Environment:
//! - `FUZZ_SECONDS`: time per target (default 3 s; `.ci/run` uses ~60).
//! - `FUZZ_SEED`: an extra seed (default: random, printed); the fixed seed
//!   always runs first, for half of the time.
//! - `FUZZ_KEEP_GOING=1`: write every crash and fail at the end rather than
//!   on the first.
//! - `FUZZ_SAVE_EACH=1`: write each input to `target/fuzz-current-<target>.plan`
//!   before running it, to catch inputs that abort the process.

use planc::render::{Format, Input};
use planc::{LoadOptions, Loaded};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Most CPU time one input may take (debug build). Measured as the worker
/// thread's own CPU time where the OS tells it (Linux), so that a busy
/// machine does not turn a slow run into a false hang.
const HANG: Duration = Duration::from_secs(5);

/// Wall-clock bound per input, whatever the CPU time says.
const HANG_WALL: Duration = Duration::from_secs(60);

/// Seed that always runs, so every run covers the same ground first.
const FIXED_SEED: u64 = 0x706c_616e_6366_757a;

/// Largest input the mutators grow to; larger inputs are cut back, so that
/// executions stay fast (size limits are tested in `tests/security.rs`).
const MAX_INPUT: usize = 256 * 1024;

const FORMATS: [Format; 5] = [
    Format::Json,
    Format::Html,
    Format::Mermaid,
    Format::Markdown,
    Format::Mspdi,
];

// ------------------------------------------------------------------ targets

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    Parser,
    Checker,
    Scheduler,
    Renderers,
    Readers,
}

impl Target {
    fn name(self) -> &'static str {
        match self {
            Target::Parser => "parser",
            Target::Checker => "checker",
            Target::Scheduler => "scheduler",
            Target::Renderers => "renderers",
            Target::Readers => "readers",
        }
    }
}

/// How far one input got through the pipeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Reached {
    Loaded,
    Checked,
    Scheduled,
    Rendered,
}

/// One fuzz input: where includes resolve, and its bytes.
#[derive(Clone)]
struct Case {
    dir: PathBuf,
    bytes: Vec<u8>,
}

/// Runs `case` through `target`. Panics propagate to the caller.
fn run_target(target: Target, case: &Case, scratch: &Path) -> Reached {
    if target == Target::Readers {
        return compare_readers(case);
    }
    let loaded = load(case, scratch);
    if target == Target::Parser {
        return Reached::Loaded;
    }
    if target == Target::Checker {
        let checked = planc::check(&loaded);
        return if checked.model.is_some() {
            Reached::Checked
        } else {
            Reached::Loaded
        };
    }
    let compiled = planc::compile(&loaded, &planc::schedule::Options::default());
    let (Some(model), Some(schedule)) = (&compiled.model, &compiled.schedule) else {
        return if compiled.model.is_some() {
            Reached::Checked
        } else {
            Reached::Loaded
        };
    };
    if target == Target::Scheduler {
        return Reached::Scheduled;
    }
    let diagnostics: Vec<planc::Diagnostic> = compiled.diagnostics.iter().cloned().collect();
    for depth in [None, Some(1)] {
        let input = Input {
            model,
            schedule,
            diagnostics: &diagnostics,
            sources: &loaded.sources,
            depth,
            tracking: compiled.tracking.as_ref(),
        };
        for format in FORMATS {
            let text = planc::render::render(format, &input);
            assert!(!text.is_empty(), "{format:?} rendered nothing");
        }
    }
    Reached::Rendered
}

/// Reached "checked" when the fast reader accepted the text (and agreed).
fn compare_readers(case: &Case) -> Reached {
    let Ok(text) = std::str::from_utf8(&case.bytes) else {
        return Reached::Loaded;
    };
    // Deep nesting is refused before either reader runs.
    if brace_depth(text) > planc::syntax::MAX_NESTING {
        return Reached::Loaded;
    }
    let file = planc::source::FileId(0);
    let (fast, slow, diags) = planc::syntax::parse_both(text, file);
    // What planc runs (fast reader, grammar, recovery reading declarations
    // fast) must give exactly what the grammar alone gives.
    let mut parsed_diags = planc::Diagnostics::new();
    let parsed = planc::syntax::parse(text, file, &mut parsed_diags);
    // Too deep for `parse` (which counts as it does, skipping strings):
    // refused before either reader runs.
    if parsed_diags
        .iter()
        .any(|d| d.code == planc::diagnostic::codes::TOO_DEEP)
    {
        return Reached::Loaded;
    }
    assert!(parsed == slow, "parse built another tree than the grammar");
    assert!(
        parsed_diags.iter().eq(diags.iter()),
        "parse reported other diagnostics than the grammar"
    );
    let Some(fast) = fast else {
        return Reached::Loaded;
    };
    assert!(
        diags.is_empty(),
        "the fast reader accepted a text the grammar rejects"
    );
    assert!(fast == slow, "the readers built different trees");
    Reached::Checked
}

/// Deepest `{` nesting, counting braces in strings and comments too (an
/// upper bound of the parser's own count).
fn brace_depth(text: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for b in text.bytes() {
        match b {
            b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Text goes through `load_str`; bytes that are not UTF-8 go through the
/// file loader (its UTF-8 check) via a scratch file.
fn load(case: &Case, scratch: &Path) -> Loaded {
    let options = LoadOptions::default();
    match std::str::from_utf8(&case.bytes) {
        Ok(text) => planc::syntax::load_str("fuzz.plan", text, Some(&case.dir), &options),
        Err(_) => {
            let path = scratch.join("fuzz.plan");
            let written = std::fs::write(&path, &case.bytes);
            assert!(
                written.is_ok(),
                "cannot write scratch file {}: {written:?}",
                path.display()
            );
            match planc::load(&path, &options) {
                Ok(loaded) => loaded,
                Err(e) => panic!("the scratch file could not be read back: {e}"),
            }
        }
    }
}

// ------------------------------------------------------------------ worker

enum Outcome {
    Done(Reached),
    Panicked(String),
}

/// A long-lived thread (2 MiB stack, what a library user's thread gets)
/// that runs inputs one at a time, so that the caller can time each out.
struct Worker {
    jobs: mpsc::Sender<Case>,
    results: mpsc::Receiver<Outcome>,
    /// `/proc/<pid>/task/<tid>/stat` of the worker thread, when known.
    stat: Option<PathBuf>,
}

impl Worker {
    fn start(target: Target, scratch: PathBuf) -> Worker {
        let (jobs, job_rx) = mpsc::channel::<Case>();
        let (result_tx, results) = mpsc::channel();
        let (stat_tx, stat_rx) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name(format!("fuzz-{}", target.name()))
            .stack_size(2 * 1024 * 1024)
            .spawn(move || {
                let own = std::fs::read_link("/proc/thread-self")
                    .ok()
                    .map(|p| Path::new("/proc").join(p).join("stat"));
                let _ = stat_tx.send(own);
                for case in job_rx {
                    let outcome = match catch_unwind(AssertUnwindSafe(|| {
                        run_target(target, &case, &scratch)
                    })) {
                        Ok(reached) => Outcome::Done(reached),
                        Err(payload) => Outcome::Panicked(panic_message(payload.as_ref())),
                    };
                    if result_tx.send(outcome).is_err() {
                        break;
                    }
                }
            });
        assert!(spawned.is_ok(), "cannot start the fuzz worker");
        let stat = stat_rx.recv().ok().flatten();
        Worker {
            jobs,
            results,
            stat,
        }
    }

    /// The worker thread's CPU time so far, where the OS reports it.
    fn cpu_time(&self) -> Option<Duration> {
        let text = std::fs::read_to_string(self.stat.as_ref()?).ok()?;
        // Fields after the parenthesised name: state is field 3, utime 14,
        // stime 15, in clock ticks (100 per second on Linux).
        let rest = &text[text.rfind(')')? + 1..];
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
        Some(Duration::from_millis(ticks * 10))
    }

    /// Runs one case; `None` when it took more than [`HANG`] of CPU time
    /// (or [`HANG_WALL`] of wall-clock time).
    fn run(&self, case: Case) -> Option<Outcome> {
        let cpu_before = self.cpu_time();
        let started = Instant::now();
        if self.jobs.send(case).is_err() {
            return Some(Outcome::Panicked("the worker thread died".into()));
        }
        loop {
            match self.results.recv_timeout(Duration::from_millis(500)) {
                Ok(outcome) => return Some(outcome),
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Some(Outcome::Panicked("the worker thread died".into()))
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
            }
            let used = match (cpu_before, self.cpu_time()) {
                (Some(before), Some(now)) => now.saturating_sub(before),
                _ => started.elapsed(),
            };
            if used > HANG || started.elapsed() > HANG_WALL {
                return None;
            }
        }
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}

// ------------------------------------------------------------------ seeds

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.plan` file below `dir`, sorted (so that a seed means the same
/// run on every machine).
fn plan_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "plan") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// A plan that uses most of the language, in case the folders are empty.
const BUILT_IN_SEED: &str = r#"project "P" { start 2027-01-04  deadline 2027-06-30  now 2027-02-01  currency EUR }
calendar office { workdays mon..fri  hours 09:00..12:00, 13:00..17:00  holiday 2027-04-02 "Good Friday" }
resource alice "Alice" { rate 600/d  off 2027-02-15..2027-02-19 "Ski" }
resource bob { rate 75/h  capacity 50% }
resource qa { units 3 }
team devs { resource alice, bob }
task a "A" { task r { effort 10d assign alice }  milestone s { after r } }
task b { after a.s + 2d  effort 30d  range 25d..45d  assign alice, bob  progress 40% }
task c { after start of b - 1d  duration 5d  assign 2 qa }
task d { finish after b  elapsed 3d  assign any of devs }
milestone m { after c, d  deadline 2027-05-31 }
risk v { chance 30%  delay 10d  affects b  owner bob }
issue i { raised 2027-01-10  severity high  affects c }
"#;

fn seeds() -> Vec<Case> {
    let root = manifest_dir();
    let mut cases = vec![Case {
        dir: root.join("tests"),
        bytes: BUILT_IN_SEED.as_bytes().to_vec(),
    }];
    for folder in ["samples", "tests"] {
        for path in plan_files(&root.join(folder)) {
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            if bytes.len() > MAX_INPUT {
                continue;
            }
            let dir = path
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| root.clone());
            cases.push(Case { dir, bytes });
        }
    }
    cases
}

// ------------------------------------------------------------------ mutators

/// Words and punctuation the mutators insert besides every keyword of
/// `planc::syntax::keywords::KEYWORDS`: phrases, values and symbols.
const PHRASES: &[&str] = &[
    "finish after",
    "start of",
    "any of",
    "not before",
    "open",
    "closed",
    "mon..fri",
    "sat..sun",
    "{",
    "}",
    "{}",
    "\"",
    "\"\"\"",
    ",",
    "..",
    "+",
    "-",
    "#",
    "\n",
    "%",
    "/d",
    "/h",
    ":",
    ".",
];

/// Every keyword of the language, then the phrases.
fn vocabulary() -> Vec<&'static str> {
    planc::syntax::keywords::KEYWORDS
        .iter()
        .map(|k| k.word)
        .chain(PHRASES.iter().copied())
        .collect()
}

const VALUES: &[&str] = &[
    "0",
    "1",
    "2.5",
    "-1",
    "1000",
    "1001",
    "99999999999999999999",
    "0.0000001",
    "1e9",
    "0min",
    "1min",
    "90min",
    "4h",
    "1d",
    "2.5d",
    "3w",
    "1000w",
    "0d",
    "100000d",
    "9999999w",
    "0%",
    "50%",
    "100%",
    "100.5%",
    "1000%",
    "2027-01-04",
    "2027-02-29",
    "2028-02-29",
    "2027-12-31",
    "0000-01-01",
    "9999-12-31",
    "1900-01-01",
    "2127-01-04",
    "2027-01-04T09:30",
    "2027-01-04 24:00",
    "2027-01-04T23:59",
    "00:00",
    "24:00",
    "09:00..17:00",
    "17:00..09:00",
    "00:00..24:00",
    "12:00..12:00",
    "2027-01-01..2026-01-01",
    "2027-01-01..2127-01-01",
    "600/d",
    "75/h",
    "0/h",
    "mon",
    "sun..mon",
    "sat, sun",
    "\"\"",
    "\"x\"",
    "\"\\u{1F600}\"",
    "\"\\u{D800}\"",
    "\"\\u{110000}\"",
    "\"\\q\"",
    "\"</script><script>alert(1)</script>\"",
    "\"%%{init}%%\"",
    "\"a\\nb\"",
    "alice",
    "bob",
    "qa",
    "devs",
    "a.b.c",
    "a..b",
    ".a",
    "a.",
    "_",
    "task",
    "start",
];

/// Odd characters: right-to-left and zero-width marks, combining marks,
/// line and paragraph separators, a BOM, NUL, an emoji and a 4-byte CJK.
const UNICODE: &[&str] = &[
    "\u{202E}",
    "\u{200F}",
    "\u{200B}",
    "\u{FEFF}",
    "\u{0301}",
    "\u{2028}",
    "\u{2029}",
    "\u{0000}",
    "\u{7F}",
    "\u{1F600}",
    "\u{20000}",
    "\u{FFFD}",
    "\r",
    "\r\n",
    "\t",
    "\u{0085}",
    "\u{00A0}",
    "ß",
    "İ",
    "ﬃ",
];

const INVALID_UTF8: &[&[u8]] = &[
    b"\xff",
    b"\xc0\x80",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\xe2\x82",
    b"\x80",
];

fn pick<'a, T>(rng: &mut Pcg64, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

fn random_pos(rng: &mut Pcg64, len: usize) -> usize {
    rng.random_range(0..=len)
}

fn lines_of(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes
        .split_inclusive(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}

/// Token boundaries: maximal runs of non-whitespace.
fn token_spans(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, b) in bytes.iter().enumerate() {
        match (b.is_ascii_whitespace(), start) {
            (true, Some(s)) => {
                spans.push((s, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, bytes.len()));
    }
    spans
}

fn insert_at(bytes: &mut Vec<u8>, at: usize, what: &[u8]) {
    let at = at.min(bytes.len());
    bytes.splice(at..at, what.iter().copied());
}

/// One random edit of `bytes`; `other` is another seed, for splicing.
fn mutate_once(rng: &mut Pcg64, bytes: &mut Vec<u8>, other: &[u8], gentle: bool) {
    // Gentle edits (for the scheduler and the renderers) keep the plan
    // parseable more often: they change values and duplicate or drop lines.
    let choice = if gentle {
        *pick(rng, &[0u8, 1, 2, 3, 4, 5, 6, 8])
    } else {
        rng.random_range(0..16u8)
    };
    match choice {
        0 => replace_token(rng, bytes, VALUES),
        1 => duplicate_line(rng, bytes),
        2 => delete_line(rng, bytes),
        3 => swap_tokens(rng, bytes),
        4 => replace_token(rng, bytes, VALUES),
        5 => splice_lines(rng, bytes, other),
        6 => insert_token(rng, bytes, &vocabulary()),
        7 => insert_token(rng, bytes, VALUES),
        8 => tweak_digit(rng, bytes),
        9 => {
            let at = random_pos(rng, bytes.len());
            let b: u8 = rng.random();
            insert_at(bytes, at, &[b]);
        }
        10 if !bytes.is_empty() => {
            let at = rng.random_range(0..bytes.len());
            let len = rng.random_range(1..=16usize).min(bytes.len() - at);
            bytes.drain(at..at + len);
        }
        11 => deep_nesting(rng, bytes),
        12 => long_string(rng, bytes),
        13 => insert_token(rng, bytes, UNICODE),
        14 => {
            let at = random_pos(rng, bytes.len());
            let bad = *pick::<&[u8]>(rng, INVALID_UTF8);
            insert_at(bytes, at, bad);
        }
        _ => {
            if !bytes.is_empty() {
                let at = rng.random_range(0..bytes.len());
                bytes[at] ^= 1 << rng.random_range(0..8);
            }
        }
    }
}

fn replace_token(rng: &mut Pcg64, bytes: &mut Vec<u8>, with: &[&str]) {
    let spans = token_spans(bytes);
    if spans.is_empty() {
        return insert_token(rng, bytes, with);
    }
    let (s, e) = *pick(rng, &spans);
    bytes.splice(s..e, pick(rng, with).bytes());
}

fn insert_token(rng: &mut Pcg64, bytes: &mut Vec<u8>, from: &[&str]) {
    let spans = token_spans(bytes);
    let at = if spans.is_empty() {
        bytes.len()
    } else {
        pick(rng, &spans).1
    };
    let mut token = b" ".to_vec();
    token.extend_from_slice(pick(rng, from).as_bytes());
    token.push(b' ');
    insert_at(bytes, at, &token);
}

fn swap_tokens(rng: &mut Pcg64, bytes: &mut Vec<u8>) {
    let spans = token_spans(bytes);
    if spans.len() < 2 {
        return;
    }
    let mut a = *pick(rng, &spans);
    let mut b = *pick(rng, &spans);
    if a == b {
        return;
    }
    if a.0 > b.0 {
        std::mem::swap(&mut a, &mut b);
    }
    let first = bytes[a.0..a.1].to_vec();
    let second = bytes[b.0..b.1].to_vec();
    // Replace the later one first so the earlier span stays valid.
    bytes.splice(b.0..b.1, first);
    bytes.splice(a.0..a.1, second);
}

fn duplicate_line(rng: &mut Pcg64, bytes: &mut Vec<u8>) {
    let mut lines = lines_of(bytes);
    if lines.is_empty() {
        return;
    }
    let i = rng.random_range(0..lines.len());
    let line = lines[i].clone();
    let at = rng.random_range(0..=lines.len());
    lines.insert(at, line);
    *bytes = lines.concat();
}

fn delete_line(rng: &mut Pcg64, bytes: &mut Vec<u8>) {
    let mut lines = lines_of(bytes);
    if lines.is_empty() {
        return;
    }
    let i = rng.random_range(0..lines.len());
    lines.remove(i);
    *bytes = lines.concat();
}

fn splice_lines(rng: &mut Pcg64, bytes: &mut Vec<u8>, other: &[u8]) {
    let theirs = lines_of(other);
    if theirs.is_empty() {
        return;
    }
    let from = rng.random_range(0..theirs.len());
    let to = (from + rng.random_range(1..=8usize)).min(theirs.len());
    let mut lines = lines_of(bytes);
    let at = rng.random_range(0..=lines.len());
    let mut chunk: Vec<Vec<u8>> = theirs[from..to].to_vec();
    if let Some(last) = chunk.last_mut() {
        if last.last() != Some(&b'\n') {
            last.push(b'\n');
        }
    }
    lines.splice(at..at, chunk);
    *bytes = lines.concat();
}

fn tweak_digit(rng: &mut Pcg64, bytes: &mut [u8]) {
    let digits: Vec<usize> = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| b.is_ascii_digit())
        .map(|(i, _)| i)
        .collect();
    if digits.is_empty() {
        return;
    }
    let i = *pick(rng, &digits);
    bytes[i] = b'0' + rng.random_range(0..10u8);
}

fn deep_nesting(rng: &mut Pcg64, bytes: &mut Vec<u8>) {
    let depth = *pick(rng, &[10usize, 99, 100, 101, 500, 5_000]);
    let openers: [&[u8]; 4] = [
        b"task n { ",
        b"{",
        b"task n \"t\" { task m { ",
        b"milestone x { ",
    ];
    let opener = *pick::<&[u8]>(rng, &openers);
    let mut chunk = opener.repeat(depth);
    if rng.random_bool(0.7) {
        chunk.extend_from_slice(b"effort 1d ");
        chunk.extend_from_slice(
            &b"} ".repeat(depth * opener.iter().filter(|&&b| b == b'{').count()),
        );
    }
    let anywhere = random_pos(rng, bytes.len());
    let at = *pick(rng, &[0, bytes.len(), anywhere]);
    insert_at(bytes, at, &chunk);
}

fn long_string(rng: &mut Pcg64, bytes: &mut Vec<u8>) {
    let len = *pick(rng, &[1_000usize, 10_000, 100_000]);
    let fills: [&[u8]; 7] = [b"x", b"\\n", b"{", b"\xe2\x80\xae", b"<", b"\"\"", b"\\"];
    let fill = *pick::<&[u8]>(rng, &fills);
    let mut chunk = b" \"".to_vec();
    chunk.extend_from_slice(&fill.repeat(len / fill.len().max(1)));
    if rng.random_bool(0.8) {
        chunk.push(b'"');
    }
    chunk.push(b' ');
    let spans = token_spans(bytes);
    let at = if spans.is_empty() {
        0
    } else {
        pick(rng, &spans).1
    };
    insert_at(bytes, at, &chunk);
}

// ------------------------------------------------------------------ driver

struct Settings {
    seconds: f64,
    extra_seed: u64,
    keep_going: bool,
    save_each: bool,
}

fn settings() -> Settings {
    let seconds = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(3.0);
    let extra_seed = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or_else(rand::random::<u64>);
    Settings {
        seconds: seconds.max(0.0),
        extra_seed,
        keep_going: std::env::var("FUZZ_KEEP_GOING").is_ok_and(|v| v == "1"),
        save_each: std::env::var("FUZZ_SAVE_EACH").is_ok_and(|v| v == "1"),
    }
}

fn crash_dir() -> PathBuf {
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir().join("target"));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// Counts of what happened during one target's run.
#[derive(Default)]
struct Stats {
    executions: u64,
    reached: [u64; 4],
    crashes: Vec<String>,
}

/// Fuzzes `target` for the configured time: half with the fixed seed,
/// half with the extra one.
fn fuzz(target: Target) {
    let settings = settings();
    let seeds = seeds();
    assert!(
        seeds.len() > 1,
        "no seed plans found under samples/ and tests/"
    );
    let scratch = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("cannot create a scratch folder: {e}"),
    };
    let mut worker = Worker::start(target, scratch.path().to_path_buf());
    let mut stats = Stats::default();
    let started = Instant::now();
    let half = Duration::from_secs_f64(settings.seconds / 2.0);
    for (round, seed) in [FIXED_SEED, settings.extra_seed].into_iter().enumerate() {
        let deadline = started + half * (round as u32 + 1);
        fuzz_with_seed(
            target,
            seed,
            deadline,
            &seeds,
            &settings,
            &mut worker,
            scratch.path(),
            &mut stats,
        );
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "fuzz {}: {} executions in {:.1} s ({:.0} exec/s); reached checked {}, scheduled {}, rendered {}; seeds {FIXED_SEED} and {} (FUZZ_SEED)",
        target.name(),
        stats.executions,
        elapsed,
        stats.executions as f64 / elapsed.max(1e-9),
        stats.reached[1],
        stats.reached[2],
        stats.reached[3],
        settings.extra_seed,
    );
    assert!(
        stats.crashes.is_empty(),
        "{} crash(es):\n{}",
        stats.crashes.len(),
        stats.crashes.join("\n")
    );
}

#[allow(clippy::too_many_arguments)]
fn fuzz_with_seed(
    target: Target,
    seed: u64,
    deadline: Instant,
    seeds: &[Case],
    settings: &Settings,
    worker: &mut Worker,
    scratch: &Path,
    stats: &mut Stats,
) {
    let mut rng = Pcg64::seed_from_u64(seed ^ target as u64);
    // Inputs that got through scheduling are mutated further: a little
    // feedback without coverage instrumentation.
    let mut pool: Vec<Case> = Vec::new();
    let gentle_target = matches!(target, Target::Scheduler | Target::Renderers);
    while Instant::now() < deadline {
        let base = if !pool.is_empty() && rng.random_bool(0.3) {
            pick(&mut rng, &pool)
        } else {
            pick(&mut rng, seeds)
        };
        let mut case = base.clone();
        let other = pick(&mut rng, seeds).bytes.clone();
        let gentle = gentle_target && rng.random_bool(0.8);
        for _ in 0..rng.random_range(1..=4u32) {
            mutate_once(&mut rng, &mut case.bytes, &other, gentle);
        }
        case.bytes.truncate(MAX_INPUT);
        if settings.save_each {
            let _ = std::fs::write(
                crash_dir().join(format!("fuzz-current-{}.plan", target.name())),
                &case.bytes,
            );
        }
        stats.executions += 1;
        match worker.run(case.clone()) {
            Some(Outcome::Done(reached)) => {
                stats.reached[reached as usize] += 1;
                if reached >= Reached::Scheduled && pool.len() < 500 {
                    pool.push(case);
                }
            }
            Some(Outcome::Panicked(message)) => {
                record_crash(
                    target,
                    seed,
                    &case,
                    &format!("panicked: {message}"),
                    stats,
                    settings.keep_going,
                );
                // A panic may leave the worker poisoned; start afresh.
                *worker = Worker::start(target, scratch.to_path_buf());
            }
            None => {
                record_crash(
                    target,
                    seed,
                    &case,
                    &format!("did not finish within {HANG:?}"),
                    stats,
                    false,
                );
            }
        }
    }
}

fn record_crash(
    target: Target,
    seed: u64,
    case: &Case,
    what: &str,
    stats: &mut Stats,
    keep_going: bool,
) {
    let path = crash_dir().join(format!(
        "fuzz-crash-{}-{}.plan",
        target.name(),
        stats.crashes.len()
    ));
    let _ = std::fs::write(&path, &case.bytes);
    let line = format!(
        "fuzz {}: {what} (seed {seed}, includes from {}); reproducer: {}",
        target.name(),
        case.dir.display(),
        path.display()
    );
    eprintln!("{line}");
    stats.crashes.push(line.clone());
    if !keep_going {
        panic!("{line}");
    }
}

#[test]
fn fuzz_readers() {
    fuzz(Target::Readers);
}

/// The fast reader must not leave valid plans to the slow grammar: every
/// seed the grammar reads without a diagnostic, it reads too (and alike).
#[test]
fn fast_reader_reads_every_valid_seed() {
    let mut valid = 0;
    for case in seeds() {
        let Ok(text) = std::str::from_utf8(&case.bytes) else {
            continue;
        };
        if brace_depth(text) > planc::syntax::MAX_NESTING {
            continue;
        }
        let (fast, slow, diags) = planc::syntax::parse_both(text, planc::source::FileId(0));
        if !diags.is_empty() {
            continue;
        }
        valid += 1;
        assert!(
            fast.as_ref() == Some(&slow),
            "the fast reader did not read this valid plan like the grammar (from {}):\n{text}",
            case.dir.display()
        );
    }
    assert!(valid > 20, "only {valid} valid seed plans found");
}

#[test]
fn fuzz_parser() {
    fuzz(Target::Parser);
}

#[test]
fn fuzz_checker() {
    fuzz(Target::Checker);
}

#[test]
fn fuzz_scheduler() {
    fuzz(Target::Scheduler);
}

#[test]
fn fuzz_renderers() {
    fuzz(Target::Renderers);
}

// ------------------------------------------------------------------ regressions

/// Every input that once crashed or hung planc, through the whole pipeline
/// (the renderers target runs every phase), each under the hang bound.
#[test]
fn fuzz_regressions() {
    let folder = manifest_dir().join("tests").join("fuzz");
    let files = plan_files(&folder);
    let scratch = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("cannot create a scratch folder: {e}"),
    };
    let mut worker = Worker::start(Target::Renderers, scratch.path().to_path_buf());
    let mut failures = Vec::new();
    for path in &files {
        let Ok(bytes) = std::fs::read(path) else {
            failures.push(format!("{}: unreadable", path.display()));
            continue;
        };
        let case = Case {
            dir: folder.clone(),
            bytes,
        };
        match worker.run(case) {
            Some(Outcome::Done(_)) => {}
            Some(Outcome::Panicked(message)) => {
                failures.push(format!("{}: panicked: {message}", path.display()));
                worker = Worker::start(Target::Renderers, scratch.path().to_path_buf());
            }
            None => {
                failures.push(format!(
                    "{}: did not finish within {HANG:?}",
                    path.display()
                ));
                worker = Worker::start(Target::Renderers, scratch.path().to_path_buf());
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The mutators themselves: deterministic for a seed, and able to produce
/// both valid and invalid UTF-8 (so the loader's check is exercised).
#[test]
fn mutators_are_deterministic_and_varied() {
    let seed = BUILT_IN_SEED.as_bytes();
    let run = |s: u64| {
        let mut rng = Pcg64::seed_from_u64(s);
        (0..300)
            .map(|_| {
                let mut b = seed.to_vec();
                mutate_once(&mut rng, &mut b, seed, false);
                b
            })
            .collect::<Vec<_>>()
    };
    let a = run(7);
    assert_eq!(a, run(7));
    assert!(a.iter().any(|b| std::str::from_utf8(b).is_err()));
    assert!(a.iter().filter(|b| b.as_slice() != seed).count() > 250);
}
