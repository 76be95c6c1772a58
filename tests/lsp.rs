//! `planc lsp` over the protocol: the real binary on stdio, driven by a
//! small client (`tests/lsp_client`), one test per feature, asserting on
//! the answers. The dates of the plan below are worked out by hand:
//! 2027-03-01 is a Monday, days are 09:00-17:00 Monday to Friday.

mod lsp_client;

use lsp_client::{position_of, Client};
use serde_json::{json, Value};
use std::path::Path;

const BIN: &str = env!("CARGO_BIN_EXE_planc");

/// design: Mar 1-5 (5 days); build: Mar 8-19 (10 days, after design, same
/// person); done: Mar 19 at 17:00, 12 days before its deadline (a date
/// alone is the end of that day: Mar 31).
const PLAN: &str = "\
project demo \"Demo\" { start 2027-03-01 }

# People
# who work on it
resource alice \"Alice\"

task design \"Design\" { effort 5d  assign alice }
task build \"Build\" {
  effort 10d
  assign alice
  after design
}
milestone done \"Done\" { after build  deadline 2027-03-31 }
";

fn folder_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

/// A server on a folder holding `PLAN` as `plan.plan`, opened.
fn open_plan() -> (tempfile::TempDir, Client, String) {
    let dir = folder_with(&[("plan.plan", PLAN)]);
    let mut client = Client::start(BIN, dir.path());
    let uri = Client::uri(&dir.path().join("plan.plan"));
    client.open(&uri, PLAN);
    let published = client.diagnostics(&uri);
    assert_eq!(published["diagnostics"], json!([]), "{published}");
    (dir, client, uri)
}

fn at(uri: &str, text: &str, needle: &str, offset: usize) -> Value {
    json!({"textDocument": {"uri": uri}, "position": position_of(text, needle, offset)})
}

fn hover_text(client: &mut Client, params: Value) -> String {
    let answer = client.request("textDocument/hover", params);
    answer["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_else(|| panic!("no hover: {answer}"))
        .to_string()
}

#[test]
fn the_server_starts_answers_and_exits_cleanly() {
    let dir = folder_with(&[]);
    let client = Client::start(BIN, dir.path());
    assert_eq!(client.stop(), Some(0));
}

#[test]
fn lsp_accepts_stdio_and_rejects_unknown_flags() {
    let out = std::process::Command::new(BIN)
        .args(["lsp", "--bogus"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let mut child = std::process::Command::new(BIN)
        .args(["lsp", "--stdio"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // No client: the connection ends at once, without a panic.
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(status.code().is_some());
}

#[test]
fn diagnostics_appear_after_an_error_and_clear_after_the_fix() {
    let (_dir, mut client, uri) = open_plan();
    let broken = PLAN.replace("after design", "after desing");
    client.change(&uri, 2, &broken);
    let published = client.diagnostics_at(&uri, 2);
    let diagnostics = published["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{published}");
    let d = &diagnostics[0];
    assert_eq!(d["code"], "E0201");
    assert_eq!(d["severity"], 1);
    assert_eq!(d["range"]["start"], position_of(&broken, "desing", 0));
    assert_eq!(d["range"]["end"], position_of(&broken, "desing", 6));
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("help: did you mean `design`?"),
        "{d}"
    );
    client.change(&uri, 3, PLAN);
    let published = client.diagnostics_at(&uri, 3);
    assert_eq!(published["diagnostics"], json!([]));
}

#[test]
fn secondary_labels_are_related_information() {
    let (_dir, mut client, uri) = open_plan();
    let twice = format!("{PLAN}task design \"Again\" {{ effort 1d }}\n");
    client.change(&uri, 2, &twice);
    let published = client.diagnostics_at(&uri, 2);
    let d = &published["diagnostics"][0];
    assert_eq!(d["code"], "E0202", "{published}");
    let related = &d["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], uri);
    assert_eq!(
        related["location"]["range"]["start"],
        position_of(&twice, "design", 0)
    );
}

#[test]
fn a_burst_of_edits_is_analysed_once_and_versions_only_grow() {
    let (_dir, mut client, uri) = open_plan();
    for version in 2..=30 {
        let text = if version % 2 == 0 {
            PLAN.replace("after design", "after nowhere")
        } else {
            PLAN.to_string()
        };
        client.change(&uri, version, &text);
    }
    // A late, older version is ignored: the text stays at version 30.
    client.change(&uri, 7, &PLAN.replace("after design", "after nowhere"));
    let last = client.diagnostics_at(&uri, 30);
    assert_eq!(last["diagnostics"].as_array().unwrap().len(), 1, "{last}");
    let hover = client.request("textDocument/hover", at(&uri, PLAN, "build \"", 1));
    assert!(hover["error"].is_null(), "{hover}");
    let published: Vec<i64> = client
        .notifications
        .iter()
        .filter(|m| m["params"]["uri"] == uri)
        .filter_map(|m| m["params"]["version"].as_i64())
        .collect();
    assert!(published.windows(2).all(|w| w[0] < w[1]), "{published:?}");
    // 29 edits came in one write: far fewer analyses than edits.
    assert!(published.len() < 10, "{published:?}");
}

#[test]
fn includes_are_one_plan_whichever_file_is_open() {
    let main = "project p \"P\" { start 2027-03-01 }\ninclude \"people.plan\"\ntask work { effort 2d  assign alice }\n";
    let people = "resource alice \"Alice\"\n";
    let dir = folder_with(&[("main.plan", main), ("people.plan", people)]);
    let mut client = Client::start(BIN, dir.path());
    let people_uri = Client::uri(&dir.path().join("people.plan"));
    let main_uri = Client::uri(&dir.path().join("main.plan"));
    // Opened alone, the included file is checked as part of main.plan.
    client.open(&people_uri, people);
    let published = client.diagnostics(&people_uri);
    assert_eq!(published["diagnostics"], json!([]), "{published}");
    // Renaming alice in the open file breaks main.plan, which is told.
    client.change(&people_uri, 2, "resource alicia \"Alice\"\n");
    let published = client.diagnostics(&main_uri);
    assert_eq!(published["diagnostics"][0]["code"], "E0201", "{published}");
    assert_eq!(
        published["diagnostics"][0]["range"]["start"],
        position_of(main, "alice", 0)
    );
    client.change(&people_uri, 3, people);
    let published = client.diagnostics(&main_uri);
    assert_eq!(published["diagnostics"], json!([]), "{published}");
    // Hover in the included file knows the schedule.
    let hover = hover_text(&mut client, at(&people_uri, people, "alice", 0));
    assert!(hover.contains("load: 2d booked"), "{hover}");
}

#[test]
fn hover_on_a_task_shows_its_computed_schedule() {
    let (_dir, mut client, uri) = open_plan();
    let text = hover_text(&mut client, at(&uri, PLAN, "task build", 6));
    assert!(text.contains("**task** `build` — Build"), "{text}");
    assert!(
        text.contains("start: 2027-03-08T09:00 · end: 2027-03-19T17:00"),
        "{text}"
    );
    assert!(text.contains("effort: 10d"), "{text}");
    assert!(text.contains("assigned: Alice"), "{text}");
    assert!(text.contains("slack: 0d · **critical**"), "{text}");
    assert!(
        text.contains("start driven by: the end of Design (design)"),
        "{text}"
    );
    // On a reference, the task referred to.
    let text = hover_text(&mut client, at(&uri, PLAN, "after design", 7));
    assert!(
        text.contains("start: 2027-03-01T09:00 · end: 2027-03-05T17:00"),
        "{text}"
    );
}

#[test]
fn hover_on_a_resource_shows_its_load() {
    let (_dir, mut client, uri) = open_plan();
    let text = hover_text(&mut client, at(&uri, PLAN, "alice \"", 0));
    assert!(text.contains("**resource** `alice` — Alice"), "{text}");
    assert!(
        text.contains("load: 15d booked of 15d available (100%)"),
        "{text}"
    );
    assert!(text.contains("not over-allocated"), "{text}");
}

#[test]
fn hover_on_a_keyword_reads_the_reference() {
    let (_dir, mut client, uri) = open_plan();
    let text = hover_text(&mut client, at(&uri, PLAN, "effort 10d", 2));
    assert!(
        text.starts_with("**effort** — `effort DURATION`: amount of work"),
        "{text}"
    );
    let nothing = client.request("textDocument/hover", at(&uri, PLAN, "# People", 3));
    assert_eq!(nothing["result"], Value::Null, "{nothing}");
}

#[test]
fn inlay_hints_give_each_task_its_dates() {
    let (_dir, mut client, uri) = open_plan();
    let answer = client.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 99, "character": 0}}}),
    );
    let hints = answer["result"].as_array().unwrap();
    let labels: Vec<(&str, &Value)> = hints
        .iter()
        .map(|h| (h["label"].as_str().unwrap(), &h["position"]))
        .collect();
    assert_eq!(
        labels,
        [
            ("Mar 1 - Mar 5", &position_of(PLAN, "\"Design\"", 8)),
            ("Mar 8 - Mar 19", &position_of(PLAN, "\"Build\"", 7)),
        ]
    );
}

#[test]
fn a_code_lens_gives_milestones_their_date_and_margin() {
    let (_dir, mut client, uri) = open_plan();
    let answer = client.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": uri}}),
    );
    let lenses = answer["result"].as_array().unwrap();
    assert_eq!(lenses.len(), 1, "{answer}");
    assert_eq!(
        lenses[0]["command"]["title"],
        "◆ Mar 19 · 12 days before its deadline (end of 2027-03-31)"
    );
    assert_eq!(
        lenses[0]["range"]["start"],
        position_of(PLAN, "milestone", 0)
    );
}

#[test]
fn definition_and_references_follow_names() {
    let (_dir, mut client, uri) = open_plan();
    let answer = client.request("textDocument/definition", at(&uri, PLAN, "after design", 8));
    assert_eq!(answer["result"]["uri"], uri);
    assert_eq!(
        answer["result"]["range"]["start"],
        position_of(PLAN, "design \"", 0)
    );
    let mut params = at(&uri, PLAN, "alice \"", 1);
    params["context"] = json!({"includeDeclaration": true});
    let answer = client.request("textDocument/references", params);
    let starts: Vec<&Value> = answer["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| &l["range"]["start"])
        .collect();
    assert_eq!(
        starts,
        [
            &position_of(PLAN, "alice \"", 0),
            &position_of(PLAN, "alice }", 0),
            &position_of(PLAN, "alice\n", 0),
        ]
    );
}

#[test]
fn rename_edits_every_file_and_refuses_taken_or_invalid_names() {
    let main = "project p \"P\" { start 2027-03-01 }\ninclude \"people.plan\"\ntask work { effort 2d  assign alice }\ntask other { effort 1d }\n";
    let people = "resource alice \"Alice\"\nresource bob \"Bob\"\n";
    let dir = folder_with(&[("main.plan", main), ("people.plan", people)]);
    let mut client = Client::start(BIN, dir.path());
    let main_uri = Client::uri(&dir.path().join("main.plan"));
    let people_uri = Client::uri(&dir.path().join("people.plan"));
    client.open(&main_uri, main);
    client.diagnostics(&main_uri);

    let prepared = client.request(
        "textDocument/prepareRename",
        at(&main_uri, main, "alice", 2),
    );
    assert_eq!(prepared["result"]["placeholder"], "alice", "{prepared}");

    let mut params = at(&main_uri, main, "alice", 2);
    params["newName"] = json!("carol");
    let answer = client.request("textDocument/rename", params.clone());
    let changes = &answer["result"]["changes"];
    assert_eq!(changes[&main_uri][0]["newText"], "carol", "{answer}");
    assert_eq!(
        changes[&main_uri][0]["range"]["start"],
        position_of(main, "alice", 0)
    );
    assert_eq!(
        changes[&people_uri][0]["range"]["start"],
        position_of(people, "alice", 0)
    );

    params["newName"] = json!("bob");
    let taken = client.request("textDocument/rename", params.clone());
    assert!(
        taken["error"]["message"]
            .as_str()
            .unwrap()
            .contains("`bob` is taken"),
        "{taken}"
    );
    params["newName"] = json!("2nd person");
    let invalid = client.request("textDocument/rename", params);
    assert!(
        invalid["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not a valid name"),
        "{invalid}"
    );
    let mut task = at(&main_uri, main, "work", 0);
    task["newName"] = json!("other");
    let taken = client.request("textDocument/rename", task);
    assert!(
        taken["error"]["message"]
            .as_str()
            .unwrap()
            .contains("taken"),
        "{taken}"
    );
    let nothing = client.request(
        "textDocument/prepareRename",
        at(&main_uri, main, "effort", 1),
    );
    assert!(nothing["error"].is_object(), "{nothing}");
}

#[test]
fn the_outline_nests_groups_and_workspace_symbols_search_names() {
    let text = "project p \"P\" { start 2027-03-01 }\ntask phase \"Phase\" {\n  task a { effort 1d }\n  milestone m { after a }\n}\n";
    let dir = folder_with(&[("plan.plan", text)]);
    let mut client = Client::start(BIN, dir.path());
    let uri = Client::uri(&dir.path().join("plan.plan"));
    client.open(&uri, text);
    client.diagnostics(&uri);
    let answer = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let outline = &answer["result"];
    assert_eq!(outline[0]["name"], "p");
    assert_eq!(outline[1]["name"], "phase");
    assert_eq!(outline[1]["detail"], "Phase");
    assert_eq!(outline[1]["kind"], 3); // namespace: a group
    let children: Vec<&str> = outline[1]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(children, ["a", "m"]);
    assert_eq!(outline[1]["children"][1]["kind"], 24); // event: a milestone
    let answer = client.request("workspace/symbol", json!({"query": "PHASE.M"}));
    let found = answer["result"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{answer}");
    assert_eq!(found[0]["name"], "phase.m");
}

fn labels(answer: &Value) -> Vec<String> {
    answer["result"]
        .as_array()
        .unwrap_or_else(|| panic!("no items: {answer}"))
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn completion_offers_keywords_names_and_units() {
    let (_dir, mut client, uri) = open_plan();
    let typing = PLAN.replace("  after design\n", "  after \n");
    client.change(&uri, 2, &typing);
    client.diagnostics_at(&uri, 2);
    let names =
        labels(&client.request("textDocument/completion", at(&uri, &typing, "after \n", 6)));
    assert!(names.contains(&"design".to_string()), "{names:?}");
    assert!(!names.contains(&"build".to_string()), "{names:?}");
    assert!(!names.contains(&"alice".to_string()), "{names:?}");
    let typing = PLAN.replace("effort 10d", "effort 3");
    client.change(&uri, 3, &typing);
    client.diagnostics_at(&uri, 3);
    let units =
        labels(&client.request("textDocument/completion", at(&uri, &typing, "effort 3", 8)));
    assert_eq!(units, ["3d", "3h", "3w", "3min"]);
    let keywords = labels(&client.request(
        "textDocument/completion",
        at(&uri, &typing, "  assign alice", 2),
    ));
    for word in ["effort", "after", "deadline", "task", "milestone"] {
        assert!(keywords.contains(&word.to_string()), "{word}: {keywords:?}");
    }
    assert!(!keywords.contains(&"rate".to_string()), "{keywords:?}");
    let people = labels(&client.request(
        "textDocument/completion",
        at(&uri, &typing, "assign alice\n", 7),
    ));
    assert_eq!(people, ["alice"]);
}

#[test]
fn quick_fixes_come_from_the_diagnostics() {
    let (_dir, mut client, uri) = open_plan();
    let broken = PLAN.replace("after design", "after desing");
    client.change(&uri, 2, &broken);
    client.diagnostics_at(&uri, 2);
    let range = json!({"start": position_of(&broken, "desing", 2), "end": position_of(&broken, "desing", 2)});
    let answer = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range, "context": {"diagnostics": []}}),
    );
    let action = &answer["result"][0];
    assert_eq!(action["title"], "Replace with `design`", "{answer}");
    assert_eq!(action["kind"], "quickfix");
    let edit = &action["edit"]["changes"][&uri][0];
    assert_eq!(edit["newText"], "design");
    assert_eq!(edit["range"]["start"], position_of(&broken, "desing", 0));

    let unclosed = "project p \"P\" { start 2027-03-01 }\ntask a {\n  effort 1d\n";
    client.change(&uri, 3, unclosed);
    client.diagnostics_at(&uri, 3);
    let range =
        json!({"start": position_of(unclosed, "{\n", 0), "end": position_of(unclosed, "{\n", 1)});
    let answer = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range, "context": {"diagnostics": []}}),
    );
    assert_eq!(answer["result"][0]["title"], "Add `}`", "{answer}");
    assert_eq!(
        answer["result"][0]["edit"]["changes"][&uri][0]["newText"],
        "\n}"
    );
}

#[test]
fn formatting_rewrites_the_document_and_leaves_broken_text_alone() {
    let (_dir, mut client, uri) = open_plan();
    let messy = "project demo \"Demo\" {start 2027-03-01}\ntask   a   {effort 1d}\n";
    client.change(&uri, 2, messy);
    client.diagnostics_at(&uri, 2);
    let answer = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let edits = answer["result"].as_array().unwrap();
    assert_eq!(edits.len(), 1, "{answer}");
    assert_eq!(
        edits[0]["newText"].as_str().unwrap(),
        planc::fmt::format(messy).unwrap()
    );
    assert_eq!(edits[0]["range"]["end"], json!({"line": 2, "character": 0}));
    client.change(&uri, 3, "task a { effort }\n");
    client.diagnostics_at(&uri, 3);
    let answer = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(answer["result"], json!([]), "{answer}");
}

#[test]
fn folding_ranges_cover_declarations_and_comment_blocks() {
    let (_dir, mut client, uri) = open_plan();
    let answer = client.request(
        "textDocument/foldingRange",
        json!({"textDocument": {"uri": uri}}),
    );
    let folds: Vec<(u64, u64, Option<&str>)> = answer["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["startLine"].as_u64().unwrap(),
                f["endLine"].as_u64().unwrap(),
                f["kind"].as_str(),
            )
        })
        .collect();
    assert_eq!(folds, [(2, 3, Some("comment")), (7, 11, None)]);
}

#[test]
fn semantic_tokens_tell_keywords_names_and_literals_apart() {
    let (_dir, mut client, uri) = open_plan();
    let legend = client.request("initialize", json!({"capabilities": {}}));
    // A second initialize is an error, and the server lives on.
    assert!(legend["error"].is_object(), "{legend}");
    let answer = client.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": uri}}),
    );
    let data: Vec<u64> = answer["result"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .collect();
    // project (keyword 0), demo (other 10), "Demo" (string 1), `{` skipped,
    // start (keyword), 2027-03-01 (number 2, date modifier 1).
    assert_eq!(
        &data[..25],
        &[
            0, 0, 7, 0, 0, //
            0, 8, 4, 10, 0, //
            0, 5, 6, 1, 0, //
            0, 9, 5, 0, 0, //
            0, 6, 10, 2, 1,
        ]
    );
    // Line 7: `task design` — design is a task (function, 4).
    let tokens: Vec<&[u64]> = data.chunks(5).collect();
    let mut line = 0;
    let mut found = Vec::new();
    for t in &tokens {
        line += t[0];
        if line == 6 {
            found.push(t[3]);
        }
    }
    assert_eq!(&found[..3], &[0, 4, 1], "{tokens:?}");
}

#[test]
fn bad_requests_get_errors_and_the_server_lives_on() {
    let (_dir, mut client, uri) = open_plan();
    let bad = client.request("textDocument/hover", json!({"nonsense": true}));
    assert_eq!(bad["error"]["code"], -32602, "{bad}");
    let unknown = client.request("textDocument/fancy", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    let far = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 4000000000u32, "character": 4000000000u32}}),
    );
    assert!(far["error"].is_null(), "{far}");
    let elsewhere = client.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": "file:///nowhere/else.plan"}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(elsewhere["result"], Value::Null, "{elsewhere}");
    assert!(client.is_alive());
    assert_eq!(client.stderr(), "");
    assert_eq!(client.stop(), Some(0));
}

#[test]
fn an_unsaved_buffer_is_a_plan_of_its_own() {
    let dir = folder_with(&[]);
    let mut client = Client::start(BIN, dir.path());
    let uri = "untitled:Untitled-1";
    client.open(uri, "task a { after b }\n");
    let published = client.diagnostics(uri);
    let codes: Vec<&str> = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"E0201"), "{published}");
    let _ = Path::new(".");
}

#[test]
fn a_file_changed_on_disk_is_read_again_when_the_editor_says_so() {
    let main = "project p \"P\" { start 2027-03-01 }\ninclude \"people.plan\"\ntask work { effort 2d  assign alice }\n";
    let dir = folder_with(&[
        ("main.plan", main),
        ("people.plan", "resource alice \"A\"\n"),
    ]);
    let mut client = Client::start(BIN, dir.path());
    let main_uri = Client::uri(&dir.path().join("main.plan"));
    client.open(&main_uri, main);
    assert_eq!(client.diagnostics(&main_uri)["diagnostics"], json!([]));
    let people = dir.path().join("people.plan");
    std::fs::write(&people, "resource bob \"B\"\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": Client::uri(&people), "type": 2}]}),
    );
    let published = client.diagnostics(&main_uri);
    assert_eq!(published["diagnostics"][0]["code"], "E0201", "{published}");
}

/// Copies `samples/platform` (a plan over four files in two folders).
fn platform_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/platform");
    for name in [
        "main.plan",
        "people.plan",
        "phases/build.plan",
        "phases/rollout.plan",
    ] {
        let to = dir.path().join(name);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(from.join(name), to).unwrap();
    }
    dir
}

#[test]
fn a_nested_include_is_analysed_with_the_plan_above_it() {
    let dir = platform_copy();
    let mut client = Client::start(BIN, dir.path());
    let rollout = dir.path().join("phases/rollout.plan");
    let text = std::fs::read_to_string(&rollout).unwrap();
    let uri = Client::uri(&rollout);
    client.open(&uri, &text);
    let published = client.diagnostics(&uri);
    let errors: Vec<&Value> = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == 1)
        .collect();
    assert!(errors.is_empty(), "{published}");
    // `after build.beta` leads to phases/build.plan.
    let answer = client.request("textDocument/definition", at(&uri, &text, "build.beta", 6));
    let build = Client::uri(&dir.path().join("phases/build.plan"));
    assert_eq!(answer["result"]["uri"], build, "{answer}");
}
