//! Every ```plan example in the user documentation and the README checks
//! as the text around it says: without errors, or with the diagnostic code
//! named in a `<!-- expect: CODE -->` comment right above it.

use std::path::Path;

/// A plan example and the code it is expected to produce, if any.
struct Example {
    file: String,
    line: usize,
    text: String,
    expect: Option<String>,
}

fn examples(path: &Path) -> Vec<Example> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim() == "```plan" {
            let expect = lines[..i]
                .iter()
                .rev()
                .find(|l| !l.trim().is_empty())
                .and_then(|l| l.trim().strip_prefix("<!-- expect:"))
                .map(|rest| rest.trim_end_matches("-->").trim().to_string());
            let start = i + 1;
            let mut end = start;
            while end < lines.len() && lines[end].trim() != "```" {
                end += 1;
            }
            out.push(Example {
                file: path.display().to_string(),
                line: start,
                text: lines[start..end].join("\n"),
                expect,
            });
            i = end;
        }
        i += 1;
    }
    out
}

fn doc_files() -> Vec<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    if let Ok(dir) = std::fs::read_dir(root.join("docs")) {
        let mut docs: Vec<_> = dir
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect();
        docs.sort();
        files.extend(docs);
    }
    files
}

#[test]
fn every_plan_example_checks_as_documented() {
    let mut failures = Vec::new();
    let mut count = 0;
    for file in doc_files() {
        for ex in examples(&file) {
            count += 1;
            let has_project = ex
                .text
                .lines()
                .any(|l| l.trim_start().starts_with("project"));
            let text = if has_project {
                ex.text.clone()
            } else {
                format!("project \"Example\" {{ start 2027-01-04 }}\n{}", ex.text)
            };
            let loaded = planc::syntax::load_str(
                "example.plan",
                &text,
                None,
                &planc::LoadOptions::default(),
            );
            let compiled = planc::compile(&loaded, &planc::schedule::Options::default());
            let codes: Vec<&str> = compiled.diagnostics.iter().map(|d| d.code.0).collect();
            let ok = match &ex.expect {
                Some(code) => codes.contains(&code.as_str()),
                None => !compiled.diagnostics.has_errors(),
            };
            if !ok {
                failures.push(format!(
                    "{}:{}: expected {:?}, got {:?}",
                    ex.file, ex.line, ex.expect, codes
                ));
            }
        }
    }
    assert!(count > 20, "found only {count} plan examples");
    assert!(
        failures.is_empty(),
        "examples that do not check as documented:\n{}",
        failures.join("\n")
    );
}

/// Every whole plan shown to users is already in the layout `planc fmt`
/// writes, so that a reader who copies one gets a clean `fmt --check`.
#[test]
fn every_whole_plan_shown_to_users_is_fmt_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut plans: Vec<(String, String)> = Vec::new();
    for file in doc_files() {
        for ex in examples(&file) {
            let whole = ex
                .text
                .lines()
                .any(|l| l.trim_start().starts_with("project"));
            if whole && ex.expect.is_none() {
                plans.push((format!("{}:{}", ex.file, ex.line), ex.text + "\n"));
            }
        }
    }
    for path in sample_files(&root.join("samples")) {
        let text = std::fs::read_to_string(&path).expect("samples are readable");
        plans.push((path.display().to_string(), text));
    }
    assert!(plans.len() > 5, "found only {} plans", plans.len());
    let unclean: Vec<String> = plans
        .iter()
        .filter(|(_, text)| planc::fmt::format(text).ok().as_deref() != Some(text.as_str()))
        .map(|(place, _)| place.clone())
        .collect();
    assert!(
        unclean.is_empty(),
        "plans that `planc fmt` would change:\n{}",
        unclean.join("\n")
    );
}

/// Every `.plan` file under `dir`, sorted.
fn sample_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return files;
    };
    for path in entries.filter_map(Result::ok).map(|e| e.path()) {
        if path.is_dir() {
            files.extend(sample_files(&path));
        } else if path.extension().is_some_and(|e| e == "plan") {
            files.push(path);
        }
    }
    files.sort();
    files
}
