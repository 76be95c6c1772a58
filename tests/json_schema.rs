//! The JSON output matches its documented schema, `docs/plan.schema.json`,
//! and is byte-identical from run to run.
//!
//! Every sample's main plan (`samples/*.plan`, `samples/*/main.plan`) is
//! built with the real `planc build --format json` twice: the bytes must
//! be equal and valid against the schema. Every golden schedule under
//! `tests/schedule/` that schedules is built once and validated too (they
//! cover every kind of driver and the scheduler's warnings).
//!
//! There is no JSON Schema crate among the dependencies, so this file holds
//! a small validator for exactly the subset of draft 2020-12 the schema
//! uses: `type` (a name or a list), `const`, `enum`, `properties`,
//! `required`, `additionalProperties: false`, `items`, `minimum`,
//! `maximum`, `pattern` (anchored sequences of literal characters and `\d`,
//! each optionally repeated `{n}` times) and local `$ref`s into `$defs`.
//! Any other keyword in the schema is an error, so the schema cannot drift
//! into what this validator does not check.

use serde_json::{Map, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

const SCHEMA: &str = "docs/plan.schema.json";

/// Keywords that only document.
const ANNOTATIONS: &[&str] = &["$schema", "$id", "title", "description", "$defs"];

fn package_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load_schema() -> Value {
    let path = package_root().join(SCHEMA);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{SCHEMA} is not JSON: {e}"))
}

// ------------------------------------------------------------ validator

/// Validates `value` against the `schema` node; `root` resolves `$ref`s.
/// Problems are pushed with the JSON path where they were found.
fn validate(root: &Value, schema: &Value, value: &Value, at: &str, problems: &mut Vec<String>) {
    let Some(rules) = schema.as_object() else {
        problems.push(format!("{at}: the schema node is not an object"));
        return;
    };
    for (key, rule) in rules {
        match key.as_str() {
            "$ref" => match resolve(root, rule) {
                Some(target) => validate(root, target, value, at, problems),
                None => problems.push(format!("{at}: unresolvable $ref {rule}")),
            },
            "type" => check_type(rule, value, at, problems),
            "const" => {
                if value != rule {
                    problems.push(format!("{at}: {value} is not {rule}"));
                }
            }
            "enum" => {
                if !rule
                    .as_array()
                    .is_some_and(|options| options.contains(value))
                {
                    problems.push(format!("{at}: {value} is not one of {rule}"));
                }
            }
            "properties" | "required" | "additionalProperties" => {
                if let Some(object) = value.as_object() {
                    check_object(root, key, rule, rules, object, at, problems);
                }
            }
            "items" => {
                if let Some(items) = value.as_array() {
                    for (i, item) in items.iter().enumerate() {
                        validate(root, rule, item, &format!("{at}[{i}]"), problems);
                    }
                }
            }
            "minimum" | "maximum" => {
                if let (Some(v), Some(limit)) = (value.as_f64(), rule.as_f64()) {
                    let ok = if key == "minimum" {
                        v >= limit
                    } else {
                        v <= limit
                    };
                    if !ok {
                        problems.push(format!("{at}: {v} is beyond the {key} {limit}"));
                    }
                }
            }
            "pattern" => {
                if let (Some(text), Some(pattern)) = (value.as_str(), rule.as_str()) {
                    match matches_pattern(pattern, text) {
                        Ok(true) => {}
                        Ok(false) => {
                            problems.push(format!("{at}: {text:?} does not match {pattern}"))
                        }
                        Err(e) => problems.push(format!("{at}: pattern {pattern}: {e}")),
                    }
                }
            }
            other if ANNOTATIONS.contains(&other) => {}
            other => problems.push(format!(
                "{at}: the validator does not know the keyword `{other}`"
            )),
        }
    }
}

fn resolve<'s>(root: &'s Value, reference: &Value) -> Option<&'s Value> {
    let name = reference.as_str()?.strip_prefix("#/$defs/")?;
    root.get("$defs")?.get(name)
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn has_type(value: &Value, name: &str) -> bool {
    match name {
        "integer" => {
            value.as_i64().is_some()
                || value.as_u64().is_some()
                || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        other => type_name(value) == other,
    }
}

fn check_type(rule: &Value, value: &Value, at: &str, problems: &mut Vec<String>) {
    let names: Vec<&str> = match rule {
        Value::String(s) => vec![s.as_str()],
        Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if names.is_empty() {
        problems.push(format!("{at}: bad `type` {rule}"));
    } else if !names.iter().any(|n| has_type(value, n)) {
        problems.push(format!("{at}: {} is not of type {rule}", type_name(value)));
    }
}

fn check_object(
    root: &Value,
    key: &str,
    rule: &Value,
    rules: &Map<String, Value>,
    object: &Map<String, Value>,
    at: &str,
    problems: &mut Vec<String>,
) {
    let properties = rules.get("properties").and_then(Value::as_object);
    match key {
        "properties" => {
            for (name, sub) in properties.into_iter().flatten() {
                if let Some(v) = object.get(name) {
                    validate(root, sub, v, &format!("{at}.{name}"), problems);
                }
            }
        }
        "required" => {
            for name in rule
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if !object.contains_key(name) {
                    problems.push(format!("{at}: `{name}` is missing"));
                }
            }
        }
        _ => {
            if rule != &Value::Bool(false) {
                problems.push(format!(
                    "{at}: only `additionalProperties: false` is supported"
                ));
                return;
            }
            for name in object.keys() {
                if !properties.is_some_and(|p| p.contains_key(name)) {
                    problems.push(format!("{at}: `{name}` is not in the schema"));
                }
            }
        }
    }
}

/// One element of a pattern: the characters it accepts, and how often.
#[derive(Debug, PartialEq)]
struct Atom {
    /// `\d`: any ASCII digit.
    digit: bool,
    /// Otherwise one of these (a literal, or a class like `[EW]`).
    chars: Vec<char>,
    times: usize,
}

impl Atom {
    fn accepts(&self, c: char) -> bool {
        if self.digit {
            c.is_ascii_digit()
        } else {
            self.chars.contains(&c)
        }
    }
}

/// Parses the pattern subset: `^`, then atoms (`\d`, a class of literal
/// characters `[EW]`, or a literal other than a regex metacharacter), each
/// optionally followed by `{n}`, then `$`.
fn parse_pattern(pattern: &str) -> Result<Vec<Atom>, String> {
    let body = pattern
        .strip_prefix('^')
        .and_then(|p| p.strip_suffix('$'))
        .ok_or("patterns must be anchored with ^ and $")?;
    let mut atoms: Vec<Atom> = Vec::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        let atom = match c {
            '\\' => match chars.next() {
                Some('d') => Atom {
                    digit: true,
                    chars: Vec::new(),
                    times: 1,
                },
                other => return Err(format!("unsupported escape \\{other:?}")),
            },
            '[' => {
                let class: Vec<char> = chars.by_ref().take_while(|&d| d != ']').collect();
                if class.is_empty() || class.iter().any(|c| !c.is_ascii_alphanumeric()) {
                    return Err(format!(
                        "unsupported class [{}]",
                        class.iter().collect::<String>()
                    ));
                }
                Atom {
                    digit: false,
                    chars: class,
                    times: 1,
                }
            }
            '{' => {
                let digits: String = chars.by_ref().take_while(|&d| d != '}').collect();
                let times = digits
                    .parse()
                    .map_err(|_| format!("bad repeat {{{digits}}}"))?;
                let last = atoms.last_mut().ok_or("a repeat with nothing before it")?;
                last.times = times;
                continue;
            }
            ']' | '(' | ')' | '|' | '*' | '+' | '?' | '.' | '^' | '$' | '}' => {
                return Err(format!("unsupported `{c}`"))
            }
            literal => Atom {
                digit: false,
                chars: vec![literal],
                times: 1,
            },
        };
        atoms.push(atom);
    }
    Ok(atoms)
}

fn matches_pattern(pattern: &str, text: &str) -> Result<bool, String> {
    let atoms = parse_pattern(pattern)?;
    let mut chars = text.chars();
    for atom in &atoms {
        for _ in 0..atom.times {
            if !chars.next().is_some_and(|c| atom.accepts(c)) {
                return Ok(false);
            }
        }
    }
    Ok(chars.next().is_none())
}

fn problems_of(schema: &Value, value: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    validate(schema, schema, value, "$", &mut problems);
    problems
}

// --------------------------------------------------------------- inputs

/// `samples/*.plan` and `samples/*/main.plan` (other files in a sample's
/// folder are only included), then the golden schedules.
fn plans() -> Vec<PathBuf> {
    let root = package_root();
    let mut plans = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(root.join("samples"))
        .map(|dir| dir.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            let main = path.join("main.plan");
            if main.is_file() {
                plans.push(main);
            }
        } else if path.extension().is_some_and(|x| x == "plan") {
            plans.push(path);
        }
    }
    plans
}

fn golden_plans() -> Vec<PathBuf> {
    let mut plans: Vec<PathBuf> = std::fs::read_dir(package_root().join("tests/schedule"))
        .map(|dir| dir.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    plans.retain(|p| p.extension().is_some_and(|x| x == "plan"));
    plans.sort();
    plans
}

/// `planc build PLAN --format json [extra]`: exit status and standard output.
fn build(plan: &Path, extra: &[&str]) -> (bool, Vec<u8>) {
    let output = Command::new(env!("CARGO_BIN_EXE_planc"))
        .current_dir(package_root())
        .arg("build")
        .arg(plan)
        .args(["--format", "json"])
        .args(extra)
        .output()
        .unwrap_or_else(|e| panic!("cannot run planc: {e}"));
    (output.status.success(), output.stdout)
}

/// Builds (twice when `twice`: the bytes must be equal) and validates the
/// JSON; returns the problems found.
fn check_plan(schema: &Value, plan: &Path, extra: &[&str], twice: bool) -> Vec<String> {
    let (ok, first) = build(plan, extra);
    if !ok {
        return vec!["planc build failed".to_string()];
    }
    let mut problems = Vec::new();
    if twice && build(plan, extra).1 != first {
        problems.push("two runs gave different bytes".to_string());
    }
    match serde_json::from_slice::<Value>(&first) {
        Ok(json) => problems.extend(problems_of(schema, &json)),
        Err(e) => problems.push(format!("not JSON: {e}")),
    }
    problems
}

fn report(results: Vec<(PathBuf, Vec<String>)>) -> String {
    let mut out = String::new();
    for (plan, problems) in results.into_iter().filter(|(_, p)| !p.is_empty()) {
        out.push_str(&format!("{}:\n", plan.display()));
        for p in problems.iter().take(20) {
            out.push_str(&format!("  {p}\n"));
        }
    }
    out
}

#[test]
fn every_sample_builds_to_schema_valid_identical_json() {
    let schema = load_schema();
    let plans = plans();
    assert!(!plans.is_empty(), "no samples found under samples/");
    let results = plans.into_iter().map(|p| {
        let problems = check_plan(&schema, &p, &[], true);
        (p, problems)
    });
    let text = report(results.collect());
    assert!(
        text.is_empty(),
        "JSON output does not match {SCHEMA}:\n{text}"
    );
}

#[test]
fn every_golden_schedule_builds_to_schema_valid_json() {
    let schema = load_schema();
    let mut results = Vec::new();
    for plan in golden_plans() {
        let text = std::fs::read_to_string(&plan).unwrap_or_default();
        if text.contains("# expect-error:") {
            continue;
        }
        let extra: &[&str] = if text.contains("# options: no-level") {
            &["--no-level"]
        } else {
            &[]
        };
        // Once: tests/schedule_props.rs checks determinism on random plans.
        let problems = check_plan(&schema, &plan, extra, false);
        results.push((plan, problems));
    }
    let text = report(results);
    assert!(
        text.is_empty(),
        "JSON output does not match {SCHEMA}:\n{text}"
    );
}

// ------------------------------------------------ the validator itself

fn tiny_schema() -> Value {
    serde_json::json!({
        "type": "object",
        "properties": {
            "at": { "$ref": "#/$defs/moment" },
            "kind": { "enum": ["a", "b"] },
            "n": { "type": "integer", "minimum": 1 },
            "maybe": { "type": ["string", "null"] },
            "list": { "type": "array", "items": { "type": "number", "maximum": 10 } }
        },
        "required": ["at", "kind"],
        "additionalProperties": false,
        "$defs": { "moment": { "type": "string", "pattern": "^\\d{4}-\\d{2}T\\d:\\d{2}$" } }
    })
}

#[test]
fn the_validator_accepts_what_the_schema_allows() {
    let schema = tiny_schema();
    let good = serde_json::json!({ "at": "2027-01T9:30", "kind": "a", "n": 3, "maybe": null, "list": [1, 2.5] });
    assert_eq!(problems_of(&schema, &good), Vec::<String>::new());
}

#[test]
fn the_validator_rejects_each_kind_of_mistake() {
    let schema = tiny_schema();
    let cases = [
        (serde_json::json!({ "kind": "a" }), "`at` is missing"),
        (
            serde_json::json!({ "at": "2027-01T9:30", "kind": "c" }),
            "is not one of",
        ),
        (
            serde_json::json!({ "at": "2027-01T9:3", "kind": "a" }),
            "does not match",
        ),
        (
            serde_json::json!({ "at": "2027-01T9:300", "kind": "a" }),
            "does not match",
        ),
        (
            serde_json::json!({ "at": "2027-01T9:30", "kind": "a", "n": 1.5 }),
            "not of type",
        ),
        (
            serde_json::json!({ "at": "2027-01T9:30", "kind": "a", "n": 0 }),
            "beyond the minimum",
        ),
        (
            serde_json::json!({ "at": "2027-01T9:30", "kind": "a", "maybe": 4 }),
            "not of type",
        ),
        (
            serde_json::json!({ "at": "2027-01T9:30", "kind": "a", "list": [11] }),
            "beyond the maximum",
        ),
        (
            serde_json::json!({ "at": "2027-01T9:30", "kind": "a", "extra": true }),
            "not in the schema",
        ),
        (serde_json::json!([]), "not of type"),
    ];
    for (value, expected) in cases {
        let problems = problems_of(&schema, &value);
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "{value}: expected `{expected}`, got {problems:?}"
        );
    }
}

#[test]
fn the_validator_refuses_keywords_it_does_not_check() {
    let schema = serde_json::json!({ "type": "string", "minLength": 3 });
    let problems = problems_of(&schema, &serde_json::json!("ab"));
    assert!(
        problems.iter().any(|p| p.contains("minLength")),
        "{problems:?}"
    );
    assert!(matches_pattern("^a+$", "aa").is_err());
    assert!(matches_pattern("^[a-z]$", "b").is_err());
    assert_eq!(matches_pattern("^[EW]\\d{4}$", "W0501"), Ok(true));
    assert_eq!(matches_pattern("^[EW]\\d{4}$", "X0501"), Ok(false));
    assert_eq!(matches_pattern("^[EW]\\d{4}$", "E050"), Ok(false));
}

/// Every keyword of every schema node, walked through `properties`,
/// `items` and `$defs`, with its place.
fn keywords(node: &Value, at: &str, out: &mut Vec<(String, String)>) {
    let Some(rules) = node.as_object() else {
        return;
    };
    for (key, rule) in rules {
        out.push((at.to_string(), key.clone()));
        match key.as_str() {
            "properties" | "$defs" => {
                for (name, sub) in rule.as_object().into_iter().flatten() {
                    keywords(sub, &format!("{at}/{key}/{name}"), out);
                }
            }
            "items" => keywords(rule, &format!("{at}/items"), out),
            _ => {}
        }
    }
}

#[test]
fn the_schema_itself_uses_only_the_checked_subset() {
    const CHECKED: &[&str] = &[
        "$ref",
        "type",
        "const",
        "enum",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "minimum",
        "maximum",
        "pattern",
    ];
    let schema = load_schema();
    let mut found = Vec::new();
    keywords(&schema, "#", &mut found);
    assert!(
        found.len() > 100,
        "the walk saw only {} keywords",
        found.len()
    );
    for (at, key) in &found {
        assert!(
            CHECKED.contains(&key.as_str()) || ANNOTATIONS.contains(&key.as_str()),
            "{at}: `{key}` is outside the subset"
        );
    }
    for (at, key) in found.iter().filter(|(_, k)| k == "pattern") {
        let pattern = pointer(&schema, at)
            .and_then(|n| n.get(key))
            .and_then(Value::as_str)
            .unwrap_or("");
        assert!(
            parse_pattern(pattern).is_ok(),
            "{at}: pattern {pattern} is outside the subset"
        );
    }
    for (at, key) in found.iter().filter(|(_, k)| k == "$ref") {
        let node = pointer(&schema, at).and_then(|n| n.get(key));
        assert!(
            node.is_some_and(|r| resolve(&schema, r).is_some()),
            "{at}: unresolvable $ref"
        );
    }
}

/// The node at a `#/a/b` path.
fn pointer<'v>(root: &'v Value, at: &str) -> Option<&'v Value> {
    root.pointer(at.strip_prefix('#').unwrap_or(at))
}
