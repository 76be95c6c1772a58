//! The VS Code extension in `editors/vscode`: its manifest names the
//! language, the grammar, the language configuration and the settings the
//! docs promise, and `vsce package` (the marketplace's packager) makes a
//! `.vsix` that holds the manifest, the grammar and the client with its
//! runtime packages.
//!
//! The packaging needs node and `npm ci` in `editors/vscode`; it is
//! skipped with a message without them, unless `PLANC_REQUIRE_NODE=1` (set
//! by `.ci/run`).

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn vscode_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/vscode")
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn manifest() -> Value {
    read_json(&vscode_dir().join("package.json"))
}

/// The one entry of `list` whose `key` is `value`.
fn entry<'a>(list: &'a Value, key: &str, value: &str) -> &'a Value {
    list.as_array()
        .and_then(|items| items.iter().find(|item| item[key] == value))
        .unwrap_or_else(|| panic!("no entry with {key} = {value} in {list}"))
}

#[test]
fn the_manifest_contributes_the_plan_language_its_grammar_and_settings() {
    let manifest = manifest();
    let contributes = &manifest["contributes"];
    let language = entry(&contributes["languages"], "id", "plan");
    assert_eq!(language["extensions"], serde_json::json!([".plan"]));
    let grammar = entry(&contributes["grammars"], "language", "plan");
    assert_eq!(grammar["scopeName"], "source.plan");

    let grammar_path = grammar["path"].as_str().expect("a grammar path");
    let tm = read_json(&vscode_dir().join(grammar_path));
    assert_eq!(tm["scopeName"], "source.plan");

    let config_path = language["configuration"].as_str().expect("a configuration");
    let config = read_json(&vscode_dir().join(config_path));
    // The language's comment and block characters, as the grammar has them.
    let pest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("grammar/plan.pest"))
            .expect("the grammar");
    assert!(pest.contains("COMMENT    = _{ \"#\""));
    assert_eq!(config["comments"]["lineComment"], "#");
    assert!(pest.contains("open_brace  = { \"{\" }") && pest.contains("close_brace = { \"}\" }"));
    assert_eq!(config["brackets"], serde_json::json!([["{", "}"]]));

    let settings = &contributes["configuration"]["properties"];
    assert_eq!(settings["planc.path"]["default"], "planc");
    assert_eq!(settings["planc.trace.server"]["default"], "off");

    let main = manifest["main"].as_str().expect("a main script");
    let client = std::fs::read_to_string(vscode_dir().join(main)).expect("the client");
    assert!(client.contains("\"lsp\"") && client.contains("getConfiguration(\"planc\")"));
    // The client's id gives the `planc.trace.server` setting its meaning.
    assert!(client.contains("new LanguageClient(\n    \"planc\""));
    assert_eq!(manifest["license"], "MIT");
    assert!(vscode_dir().join("LICENSE").exists() && vscode_dir().join("README.md").exists());
}

/// Whether node and the extension's packages this file needs are there
/// (see [`common::node_packages_ready`]).
fn node_ready(test: &str) -> bool {
    common::node_packages_ready(test, &["@vscode/vsce"])
}

/// The text of `name` in the zip archive at `path`.
fn zipped_text(archive: &mut zip::ZipArchive<std::fs::File>, name: &str) -> String {
    let mut file = archive
        .by_name(name)
        .unwrap_or_else(|e| panic!("{name} is not in the .vsix: {e}"));
    let mut text = String::new();
    file.read_to_string(&mut text).expect("UTF-8 text");
    text
}

#[test]
fn vsce_packages_a_vsix_with_the_manifest_grammar_and_client() {
    if !node_ready("the .vsix packaging") {
        return;
    }
    let out = tempfile::tempdir().expect("a temporary folder");
    let vsix = out.path().join("planc.vsix");
    let vsce = vscode_dir().join("node_modules/@vscode/vsce/vsce");
    let output = Command::new("node")
        .arg(&vsce)
        .args(["package", "--allow-missing-repository", "--out"])
        .arg(&vsix)
        .current_dir(vscode_dir())
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "vsce package failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );

    let file = std::fs::File::open(&vsix).expect("the .vsix");
    let mut archive = zip::ZipArchive::new(file).expect("a .vsix is a zip");
    let names: Vec<String> = archive
        .file_names()
        .map(|name| name.expect("a file name").into_owned())
        .collect();

    let vsixmanifest = zipped_text(&mut archive, "extension.vsixmanifest");
    assert!(vsixmanifest.contains("Id=\"planc\""), "{vsixmanifest}");
    let packaged: Value =
        serde_json::from_str(&zipped_text(&mut archive, "extension/package.json")).expect("JSON");
    assert_eq!(packaged, manifest());
    let grammar = zipped_text(&mut archive, "extension/syntaxes/plan.tmLanguage.json");
    let committed = std::fs::read_to_string(vscode_dir().join("syntaxes/plan.tmLanguage.json"))
        .expect("the grammar");
    assert_eq!(grammar, committed);
    zipped_text(&mut archive, "extension/extension.js");
    zipped_text(&mut archive, "extension/language-configuration.json");
    zipped_text(&mut archive, "extension/LICENSE.txt");
    // The client's runtime package goes in; the test and build tools stay out.
    let has = |prefix: &str| names.iter().any(|n| n.starts_with(prefix));
    assert!(has("extension/node_modules/vscode-languageclient/"));
    for left_out in [
        "extension/node_modules/@vscode/vsce/",
        "extension/node_modules/vscode-textmate/",
        "extension/test/",
    ] {
        assert!(!has(left_out), "{left_out} is in the .vsix");
    }
}
