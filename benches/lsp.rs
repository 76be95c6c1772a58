//! Latency of `planc lsp`, driven over stdio like an editor drives it:
//! from a `didChange` (one digit of an `effort` changed, so the plan is
//! re-parsed, re-checked and re-scheduled) to the `publishDiagnostics` of
//! that version, and the round trip of a hover on a task. On the largest
//! sample (`samples/software-release.plan`) and on a 5,000-task plan from
//! `examples/genplan.rs` (seed 1). Prints the median and p95 of each.
//!
//! `cargo bench --bench lsp` (`LSP_EDITS` sets the number of edits and
//! hovers, default 60). Bars (issue 20): < 20 ms on the sample, < 150 ms
//! on 5,000 tasks, hover < 5 ms.

#[allow(dead_code)]
#[path = "../examples/genplan.rs"]
mod genplan;
#[path = "../tests/lsp_client/mod.rs"]
mod lsp_client;

use lsp_client::{position_of, Client};
use serde_json::json;
use std::path::Path;
use std::time::{Duration, Instant};

fn main() {
    let edits: usize = std::env::var("LSP_EDITS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/software-release.plan");
    let sample_text = std::fs::read_to_string(&sample).expect("the largest sample");
    measure("samples/software-release.plan", &sample_text, edits);
    let generated = genplan::write_plan(&genplan::generate(5_000, 1));
    measure("genplan 5000 tasks (seed 1)", &generated, edits);
}

fn measure(name: &str, text: &str, edits: usize) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("plan.plan");
    std::fs::write(&path, text).expect("the plan is written");
    let mut client = Client::start(env!("CARGO_BIN_EXE_planc"), dir.path());
    let uri = Client::uri(&path);
    client.open(&uri, text);
    let first = client.diagnostics(&uri);
    let errors = first["diagnostics"]
        .as_array()
        .map_or(0, |d| d.iter().filter(|d| d["severity"] == 1).count());
    assert_eq!(errors, 0, "{name} has errors: {first}");

    // The digit after the first `effort `, changed back and forth.
    let digit = position_of(text, "effort ", 7);
    let mut change_times = Vec::new();
    let cpu_before = client.cpu_time();
    for i in 0..edits {
        let version = i as i64 + 2;
        let new_digit = if i % 2 == 0 { "9" } else { "2" };
        let started = Instant::now();
        client.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": {"start": digit, "end": {"line": digit["line"], "character": digit["character"].as_u64().unwrap_or(0) + 1}}, "text": new_digit}],
            }),
        );
        client.diagnostics_at(&uri, version);
        change_times.push(started.elapsed());
    }
    let cpu_per_edit = match (cpu_before, client.cpu_time()) {
        (Some(a), Some(b)) => ms(b.saturating_sub(a) / edits.max(1) as u32),
        _ => "unknown".to_string(),
    };

    // A task's name in the middle of the file.
    let middle = text.len() / 2;
    let task_at = text[middle..]
        .find("\ntask ")
        .map_or(0, |i| middle + i + "\ntask ".len());
    // Just inside the id, after `task `.
    let line = text[..task_at].matches('\n').count();
    let name_position = json!({"line": line, "character": 5});
    let mut hover_times = Vec::new();
    for _ in 0..edits {
        let started = Instant::now();
        let answer = client.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": name_position}),
        );
        hover_times.push(started.elapsed());
        assert!(
            answer["result"]["contents"]["value"].is_string(),
            "no hover: {answer}"
        );
    }
    client.stop();
    println!(
        "{name}: didChange -> publishDiagnostics median {} p95 {} (server CPU per edit {cpu_per_edit}); hover median {} p95 {} ({edits} each)",
        ms(percentile(&mut change_times, 50)),
        ms(percentile(&mut change_times, 95)),
        ms(percentile(&mut hover_times, 50)),
        ms(percentile(&mut hover_times, 95)),
    );
}

fn percentile(times: &mut [Duration], p: usize) -> Duration {
    times.sort();
    let at = (times.len() * p / 100).min(times.len().saturating_sub(1));
    times.get(at).copied().unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}
