//! Fuzzing `planc lsp` over the protocol: random edit sequences (half-typed
//! plan text, deletions, positions past the end, inside surrogate pairs,
//! reversed ranges, whole new texts) interleaved with every request kind
//! at random, valid and invalid, positions. Every request must be
//! answered, none with an internal error (a handler that panicked), and
//! the server must still be alive and exit cleanly at the end.
//!
//! Environment: `FUZZ_SECONDS` (default 3), `FUZZ_SEED` (default: a fixed
//! seed, then a random one; both printed).

mod lsp_client;

use lsp_client::Client;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_planc");

/// Pieces of plans as they look while being typed.
const FRAGMENTS: &[&str] = &[
    "task ",
    "task a ",
    "task b \"B\" {",
    "milestone m { after ",
    "after ",
    "after a, ",
    "after start of ",
    "finish after ",
    "assign ",
    "assign any of ",
    "assign 2 ",
    "effort ",
    "effort 3",
    "effort 2.5d",
    "duration 1w",
    "elapsed 3d",
    "deadline 2027-",
    "start 2027-03-01",
    "not before ",
    "{",
    "}",
    "}\n",
    "\"",
    "\"\"\"",
    "\n",
    "  ",
    "# note\n",
    "resource r \"R\"\n",
    "team t { resource r }\n",
    "calendar c { hours 09:00..17:00 }\n",
    "risk k { affects a  chance 50% }\n",
    "issue i { owner r }\n",
    "include \"other.plan\"\n",
    "include \"plan.plan\"\n",
    "project p \"P\" { start 2027-03-01 }\n",
    "😀",
    "é",
    "\u{feff}",
    "\r\n",
    "a.b.c",
    ".",
    ",",
    "..",
    "50%",
    "priority 1000",
    "progress 120%",
    "during a..b",
    "calendar ",
];

const METHODS: &[&str] = &[
    "textDocument/hover",
    "textDocument/definition",
    "textDocument/references",
    "textDocument/prepareRename",
    "textDocument/rename",
    "textDocument/documentSymbol",
    "workspace/symbol",
    "textDocument/completion",
    "textDocument/codeAction",
    "textDocument/formatting",
    "textDocument/foldingRange",
    "textDocument/semanticTokens/full",
    "textDocument/inlayHint",
    "textDocument/codeLens",
];

fn seeds() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut texts: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "plan"))
                .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                .collect()
        })
        .unwrap_or_default();
    texts.push(
        "project p \"P\" { start 2027-03-01 }\ntask a { effort 1d }\ntask b { after a }\n".into(),
    );
    texts
}

fn position(rng: &mut Pcg64, lines: u32) -> Value {
    match rng.random_range(0..10) {
        0 => json!({"line": u32::MAX, "character": u32::MAX}),
        1 => json!({"line": lines + rng.random_range(0..5), "character": rng.random_range(0..400)}),
        2 => json!({"line": rng.random_range(0..lines.max(1)), "character": 1_000_000}),
        _ => {
            json!({"line": rng.random_range(0..lines.max(1)), "character": rng.random_range(0..60)})
        }
    }
}

fn range(rng: &mut Pcg64, lines: u32) -> Value {
    json!({"start": position(rng, lines), "end": position(rng, lines)})
}

fn fragment(rng: &mut Pcg64, seeds: &[String]) -> String {
    if rng.random_range(0..6) == 0 {
        let seed = &seeds[rng.random_range(0..seeds.len())];
        let start = rng.random_range(0..seed.len().max(1));
        let end = (start + rng.random_range(0..200)).min(seed.len());
        let mut s = start;
        while !seed.is_char_boundary(s) {
            s -= 1;
        }
        let mut e = end;
        while !seed.is_char_boundary(e) {
            e -= 1;
        }
        return seed[s..e.max(s)].to_string();
    }
    FRAGMENTS[rng.random_range(0..FRAGMENTS.len())].to_string()
}

fn params(method: &str, uri: &str, rng: &mut Pcg64, lines: u32) -> Value {
    let doc = json!({"uri": uri});
    match method {
        "workspace/symbol" => {
            let query = ["", "a", "ta", "😀"][rng.random_range(0..4)];
            json!({"query": query})
        }
        "textDocument/documentSymbol"
        | "textDocument/foldingRange"
        | "textDocument/semanticTokens/full"
        | "textDocument/codeLens" => json!({"textDocument": doc}),
        "textDocument/formatting" => {
            json!({"textDocument": doc, "options": {"tabSize": 2, "insertSpaces": true}})
        }
        "textDocument/codeAction" => {
            json!({"textDocument": doc, "range": range(rng, lines), "context": {"diagnostics": []}})
        }
        "textDocument/inlayHint" => json!({"textDocument": doc, "range": range(rng, lines)}),
        "textDocument/references" => {
            json!({"textDocument": doc, "position": position(rng, lines), "context": {"includeDeclaration": rng.random_bool(0.5)}})
        }
        "textDocument/rename" => {
            let name = ["x", "a", "b", "", "1x", "a b", "task"][rng.random_range(0..7)];
            json!({"textDocument": doc, "position": position(rng, lines), "newName": name})
        }
        _ => json!({"textDocument": doc, "position": position(rng, lines)}),
    }
}

fn run(seed: u64, seconds: f64) {
    eprintln!("lsp fuzz: seed {seed}, {seconds} s");
    let mut rng = Pcg64::seed_from_u64(seed);
    let seeds = seeds();
    let dir = tempfile::tempdir().unwrap();
    let start_text = seeds[rng.random_range(0..seeds.len())].clone();
    std::fs::write(dir.path().join("plan.plan"), &start_text).unwrap();
    std::fs::write(dir.path().join("other.plan"), "resource r \"R\"\n").unwrap();
    let mut client = Client::start(BIN, dir.path());
    let uri = Client::uri(&dir.path().join("plan.plan"));
    client.open(&uri, &start_text);
    let mut lines = start_text.lines().count() as u32 + 1;
    let mut version = 1;
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let mut requests = 0;
    let mut log: Vec<String> = Vec::new();
    while Instant::now() < deadline {
        let edits = rng.random_range(0..4);
        for _ in 0..edits {
            version += 1;
            let change = if rng.random_range(0..30) == 0 {
                json!({"text": fragment(&mut rng, &seeds)})
            } else {
                let text = if rng.random_bool(0.3) {
                    String::new()
                } else {
                    fragment(&mut rng, &seeds)
                };
                lines += text.matches('\n').count() as u32;
                json!({"range": range(&mut rng, lines), "text": text})
            };
            log.push(format!("change {change}"));
            client.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}),
            );
        }
        let method = METHODS[rng.random_range(0..METHODS.len())];
        let p = params(method, &uri, &mut rng, lines);
        log.push(format!("{method} {p}"));
        let answer = client.request(method, p);
        requests += 1;
        let internal =
            answer["error"]["code"] == json!(-32603) || client.stderr().contains("internal error");
        if internal || !client.is_alive() {
            let tail = log[log.len().saturating_sub(30)..].join("\n");
            let stderr = client.stderr();
            panic!("seed {seed}: {answer}\n{stderr}\nlast messages:\n{tail}");
        }
        // Old notifications are not needed.
        client.notifications.clear();
    }
    assert!(client.is_alive(), "seed {seed}: the server died");
    eprintln!("lsp fuzz: seed {seed}: {requests} requests answered");
    assert_eq!(client.stop(), Some(0), "seed {seed}");
}

#[test]
fn the_server_answers_every_request_of_random_edit_sequences() {
    let seconds: f64 = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3.0);
    let fixed = 20_261_208;
    let extra = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random::<u64>);
    run(fixed, seconds / 2.0);
    run(extra, seconds / 2.0);
}
