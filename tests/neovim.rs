//! `planc lsp` proven with a real editor: headless Neovim and its built-in
//! LSP client (`tests/neovim/lsp_session.lua`) open a copy of a sample,
//! get its diagnostics, make a typing slip and get the error, fix it and
//! see the error go, ask for hover, go to definition and inlay hints,
//! rename a resource (the edit applied by Neovim) and format a badly laid
//! out line; the script writes what Neovim received to a JSON file that
//! this test checks.
//!
//! Needs `nvim` (Debian 12's 0.7.2 or later; `apt-get install neovim`), or
//! the one named by `PLANC_NVIM`; skipped with a message without it,
//! unless `PLANC_REQUIRE_NEOVIM=1` (set by `.ci/run`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The Neovim to run: `PLANC_NVIM`, else `nvim` on the PATH.
fn nvim() -> String {
    std::env::var("PLANC_NVIM").unwrap_or_else(|_| "nvim".to_string())
}

/// Whether Neovim is there and has an LSP client; panics when it must be
/// (`PLANC_REQUIRE_NEOVIM=1`), else prints why the test is skipped.
fn neovim_ready() -> bool {
    let has_lsp = Command::new(nvim())
        .args(["--headless", "--clean", "-u", "NONE", "-c"])
        .arg("lua io.stdout:write(vim.lsp.start_client and 'yes' or 'no') vim.cmd('qall!')")
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|out| out.status.success() && out.stdout.starts_with(b"yes"));
    if has_lsp {
        return true;
    }
    let how = "apt-get install neovim (0.7 or later)";
    let required = std::env::var("PLANC_REQUIRE_NEOVIM").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "PLANC_REQUIRE_NEOVIM=1 but `{}` is missing or has no LSP client: {how}",
        nvim()
    );
    eprintln!(
        "skipping the Neovim test: `{}` is missing or has no LSP client; to run it: {how}",
        nvim()
    );
    false
}

/// The 0-based line and UTF-16 column of the `nth` (0-based) `needle` in
/// `text`, moved `offset` bytes into it (ASCII lines only).
fn position(text: &str, needle: &str, nth: usize, offset: usize) -> Value {
    let (at, _) = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` is not in the sample"));
    let at = at + offset;
    let line = text[..at].matches('\n').count();
    let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    json!({ "line": line, "character": text[line_start..at].encode_utf16().count() })
}

/// The 0-based number of the line holding `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    position(text, needle, 0, 0)["line"]
        .as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .expect("a line")
}

/// Runs the Lua session on `script`; returns what Neovim received.
fn run_session(dir: &Path, script: &Value) -> Value {
    let script_path = dir.join("script.json");
    let out_path = dir.join("out.json");
    std::fs::write(&script_path, script.to_string()).expect("written");
    let mut child = Command::new(nvim())
        .args(["--headless", "--clean", "-u", "NONE", "-n", "-c"])
        .arg(format!(
            "luafile {}",
            root().join("tests/neovim/lsp_session.lua").display()
        ))
        .env("PLANC_NVIM_SCRIPT", &script_path)
        .env("PLANC_NVIM_OUT", &out_path)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("nvim starts");
    // The script has its own time limits; this one stops a Neovim that hangs.
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().expect("nvim runs") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("Neovim did not finish within two minutes");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let text = std::fs::read_to_string(&out_path)
        .unwrap_or_else(|e| panic!("Neovim wrote no results ({e}); exit {status:?}"));
    let out: Value = serde_json::from_str(&text).expect("the results are JSON");
    assert!(
        out.get("error").is_none_or(Value::is_null),
        "the Neovim session failed: {}\n{}",
        out["error"],
        serde_json::to_string_pretty(&out).unwrap_or_default()
    );
    assert!(status.success(), "nvim exited with {status:?}");
    out
}

/// `planc fmt -` of `text`.
fn planc_fmt(text: &str) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_planc"))
        .args(["fmt", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("planc runs");
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(text.as_bytes())
        .expect("written");
    let out = child.wait_with_output().expect("planc fmt ends");
    assert!(out.status.success(), "planc fmt failed");
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// The start and end dates (`YYYY-MM-DD`) of task `id` in `planc build`'s
/// JSON schedule of `plan`.
fn scheduled_dates(plan: &Path, id: &str) -> (String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_planc"))
        .args(["build", "--format", "json", "-o", "-"])
        .arg(plan)
        .output()
        .expect("planc runs");
    let schedule: Value = serde_json::from_slice(&out.stdout).expect("a JSON schedule");
    let task = schedule["tasks"]
        .as_array()
        .and_then(|tasks| tasks.iter().find(|t| t["id"] == id))
        .unwrap_or_else(|| panic!("no task {id} in the schedule"));
    let date = |field: &str| task[field].as_str().expect("a date")[..10].to_string();
    (date("start"), date("end"))
}

fn words(text: &str, word: &str) -> usize {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| *w == word)
        .count()
}

#[test]
fn neovim_gets_diagnostics_hover_definition_rename_and_formatting_from_planc_lsp() {
    if !neovim_ready() {
        return;
    }
    let dir = tempfile::tempdir().expect("a temporary folder");
    let sample =
        std::fs::read_to_string(root().join("samples/website-relaunch.plan")).expect("the sample");
    let file: PathBuf = dir.path().join("website-relaunch.plan");
    std::fs::write(&file, &sample).expect("written");

    let slip_line = line_of(&sample, "  after discovery.signoff + 2d");
    let messy_line = line_of(&sample, "  effort 30d");
    let script = json!({
        "planc": env!("CARGO_BIN_EXE_planc"),
        "root": dir.path(),
        "file": file,
        "error": { "line": slip_line, "text": "  after discovery.signof + 2d" },
        "hover": position(&sample, "task build", 0, "task ".len()),
        "definition": position(&sample, "after start of research", 0, "after start of ".len()),
        "rename": position(&sample, "resource dana", 0, "resource ".len())
            .as_object()
            .cloned()
            .map(|mut at| { at.insert("new_name".into(), json!("dana_lee")); at }),
        "format": { "line": messy_line, "text": "        effort      30d   " },
    });
    let out = run_session(dir.path(), &script);

    // The sample is clean: no error on opening it.
    let on_open = &out["on_open"]["diagnostics"];
    assert!(
        on_open
            .as_array()
            .is_some_and(|d| d.iter().all(|d| d["severity"] != 1)),
        "errors on open: {on_open}"
    );

    // The slip: an unknown name, on the line and at the name Neovim changed.
    let with_error = &out["with_error"]["diagnostics"];
    let error = with_error
        .as_array()
        .and_then(|d| d.iter().find(|d| d["severity"] == 1))
        .unwrap_or_else(|| panic!("no error after the slip: {with_error}"));
    assert_eq!(error["range"]["start"]["line"], json!(slip_line), "{error}");
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("signof")),
        "{error}"
    );
    assert!(error["code"].is_string(), "{error}");
    assert!(out["buffer_diagnostics"].as_u64().is_some_and(|n| n > 0));
    // Fixed: the last diagnostics for the file have no error.
    assert!(out["fixed"]["diagnostics"]
        .as_array()
        .is_some_and(|d| d.iter().all(|d| d["severity"] != 1)));

    // Hover on a task: its computed start and end, as `planc build` has them.
    let hover = out["hover"]["contents"].to_string();
    let (start, end) = scheduled_dates(&file, "build");
    assert!(
        hover.contains(&start) && hover.contains(&end),
        "hover without {start} and {end}: {hover}"
    );

    // Go to definition from `after start of research` to `task research`.
    let definition = &out["definition"];
    let location = definition.as_array().map_or(definition, |l| &l[0]);
    let target_range = location.get("targetRange").unwrap_or(&location["range"]);
    assert_eq!(
        target_range["start"]["line"],
        json!(line_of(&sample, "task research")),
        "{definition}"
    );

    // Inlay hints: one per task header at least.
    let hints = out["inlay_hints"].as_array().map_or(0, Vec::len);
    assert!(hints >= words(&sample, "task") / 2, "{} hints", hints);

    // Rename: every `dana` became `dana_lee`, applied by Neovim.
    let renamed = out["after_rename"].as_str().expect("the renamed text");
    assert_eq!(words(renamed, "dana"), 0, "{renamed}");
    assert_eq!(words(renamed, "dana_lee"), words(&sample, "dana"));

    // Formatting: the server's edits, applied by Neovim, give what
    // `planc fmt` gives.
    let before = out["before_format"].as_str().expect("the text before");
    let after = out["after_format"].as_str().expect("the text after");
    assert!(out["format_edits"].as_u64().is_some_and(|n| n > 0));
    assert_eq!(after, planc_fmt(before));
}

/// The Lua block right after `<!-- MARKER -->` in docs/editors.md.
fn documented_config(marker: &str) -> String {
    let docs = std::fs::read_to_string(root().join("docs/editors.md")).expect("docs/editors.md");
    let after = docs
        .split_once(&format!("<!-- {marker} -->"))
        .unwrap_or_else(|| panic!("no <!-- {marker} --> in docs/editors.md"))
        .1;
    let block = after
        .split_once("```lua\n")
        .and_then(|(_, rest)| rest.split_once("\n```"))
        .unwrap_or_else(|| panic!("no Lua block after <!-- {marker} -->"));
    block.0.to_string()
}

/// Whether the Neovim under test has `feature` (`nvim-0.11`, say).
fn nvim_has(feature: &str) -> bool {
    Command::new(nvim())
        .args(["--headless", "--clean", "-u", "NONE", "-c"])
        .arg(format!(
            "lua io.stdout:write(vim.fn.has('{feature}') == 1 and 'yes' or 'no') vim.cmd('qall!')"
        ))
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|out| out.stdout.starts_with(b"yes"))
}

/// Starts Neovim with the configuration `marker` of docs/editors.md as its
/// init.lua and `planc` on the PATH, on a plan with an error; returns what
/// `tests/neovim/config_check.lua` saw.
fn run_documented_config(marker: &str) -> Value {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join("init.lua"), documented_config(marker)).expect("written");
    std::fs::write(
        dir.path().join("broken.plan"),
        "project \"P\" { start 2027-01-04 }\ntask a { after nowhere  duration 1d }\n",
    )
    .expect("written");
    let out_path = dir.path().join("out.json");
    let planc_dir = Path::new(env!("CARGO_BIN_EXE_planc"))
        .parent()
        .expect("planc's folder")
        .to_path_buf();
    let path = std::env::join_paths(std::iter::once(planc_dir).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .expect("a PATH");
    let status = Command::new(nvim())
        .args([
            "--headless",
            "-u",
            "init.lua",
            "-i",
            "NONE",
            "-n",
            "broken.plan",
            "-c",
        ])
        .arg(format!(
            "luafile {}",
            root().join("tests/neovim/config_check.lua").display()
        ))
        .env("PATH", path)
        .env("PLANC_NVIM_OUT", &out_path)
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .expect("nvim runs");
    assert!(status.success(), "nvim exited with {status:?}");
    let text = std::fs::read_to_string(&out_path).expect("Neovim wrote its results");
    serde_json::from_str(&text).expect("JSON")
}

#[test]
fn the_neovim_configurations_of_the_docs_start_planc_lsp() {
    if !neovim_ready() {
        return;
    }
    for (marker, feature) in [("neovim-0.11", "nvim-0.11"), ("neovim-0.8", "nvim-0.8")] {
        if !nvim_has(feature) {
            eprintln!(
                "skipping the {marker} block of docs/editors.md: `{}` is older",
                nvim()
            );
            continue;
        }
        let seen = run_documented_config(marker);
        assert_eq!(seen["filetype"], "plan", "{marker}: {seen}");
        assert_eq!(seen["clients"], json!(["planc"]), "{marker}: {seen}");
        assert!(
            seen["errors"].as_u64().is_some_and(|n| n > 0),
            "{marker}: {seen}"
        );
        if marker == "neovim-0.11" {
            assert_eq!(seen["inlay_hints"], true, "{marker}: {seen}");
        }
    }
}
