//! `planc diff`: the schedule changes between two versions of a plan
//! (docs/diff.md). This module reads the sides (files, git revisions, the
//! working tree, git's external-diff arguments) and prints; `crate::diff`
//! compares.

use super::output::{check_not_input, write_atomic};
use super::{exit, LevelArg};
use crate::diff::{self, Format, Report, Snapshot};
use crate::{LoadOptions, Loaded};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub(crate) struct DiffArgs {
    /// PLAN (HEAD against the working tree, or with --from/--to), or OLD
    /// and NEW: each a `.plan` or a JSON schedule from `planc build`.
    #[arg(value_name = "FILES", num_args = 0..)]
    pub files: Vec<PathBuf>,
    /// The old side: the plan as committed at this revision.
    #[arg(long, value_name = "REV")]
    pub from: Option<String>,
    /// The new side: the plan as committed at this revision (default: the
    /// working tree).
    #[arg(long, value_name = "REV", requires = "from")]
    pub to: Option<String>,
    /// The report's format; by default it follows the extension of `-o`
    /// (.md, .json), else text.
    #[arg(long, value_enum)]
    pub format: Option<DiffFormat>,
    /// Where to write the report (atomically); standard output when absent.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Exit 1 when the end or a milestone slips by more than this much
    /// working time (`5d`, `1w`, `4h`, `0d`).
    #[arg(long, value_name = "DURATION", value_parser = parse_slip)]
    pub max_slip: Option<Slip>,
    /// Let `include` reach files outside the root plan's folder.
    #[arg(long)]
    pub allow_outside_includes: bool,
    /// Schedule both sides without resource limits.
    #[arg(long, conflicts_with = "level")]
    pub no_level: bool,
    /// How hard levelling searches for a shorter schedule, on both sides.
    #[arg(long, value_enum, default_value_t = LevelArg::Normal)]
    pub level: LevelArg,
    /// Ignore actuals and the status date on both sides: the schedules as
    /// first planned.
    #[arg(long)]
    pub as_planned: bool,
    /// Take git's external-diff arguments (path old-file old-hex old-mode
    /// new-file new-hex new-mode): `git config diff.planc.command "planc
    /// diff --git-driver"`.
    #[arg(long, conflicts_with_all = ["from", "to", "max_slip"])]
    pub git_driver: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum DiffFormat {
    /// Text for a terminal (colour only on one).
    Text,
    /// Markdown for a pull-request comment.
    #[value(alias = "md")]
    Markdown,
    /// JSON (docs/diff.schema.json).
    Json,
}

/// A `--max-slip` limit as written: a number of minutes, hours, days or
/// weeks; days count on the new side's working day.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Slip {
    amount: f64,
    unit: SlipUnit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SlipUnit {
    Minutes,
    Hours,
    Days,
    Weeks,
}

fn parse_slip(text: &str) -> Result<Slip, String> {
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let amount: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration; write it like `5d`, `1w` or `4h`"))?;
    let unit = match unit {
        "min" => SlipUnit::Minutes,
        "h" => SlipUnit::Hours,
        "d" => SlipUnit::Days,
        "w" => SlipUnit::Weeks,
        _ => {
            return Err(format!(
                "`{text}` has no unit: write `min`, `h`, `d` or `w` after the number"
            ))
        }
    };
    if !amount.is_finite() || amount > 1e7 {
        return Err(format!("`{text}` is too long a slip"));
    }
    Ok(Slip { amount, unit })
}

impl Slip {
    fn minutes(self, day: crate::units::Minutes) -> crate::units::Minutes {
        let per = match self.unit {
            SlipUnit::Minutes => 1.0,
            SlipUnit::Hours => 60.0,
            SlipUnit::Days => day.0 as f64,
            SlipUnit::Weeks => 5.0 * day.0 as f64,
        };
        crate::units::Minutes((self.amount * per).round() as i64)
    }
}

pub const EXAMPLES: &str = "\
Examples:
  planc diff plan.plan                          HEAD against the working tree
  planc diff plan.plan --from v1.2 --to HEAD    two revisions
  planc diff old.json new.plan                  two files (plans or JSON schedules)
  planc diff plan.plan --from origin/main -o diff.md --max-slip 5d
  git config diff.planc.command \"planc diff --git-driver\"  (and `*.plan diff=planc` in .gitattributes)

Exit status: 0 ok, 1 a side has errors or a slip exceeds --max-slip, 2 wrong arguments, a file or git problem.";

/// How a side failed: its plan has errors (exit 1) or it could not be read (exit 2).
enum SideError {
    Plan(String),
    Read(String),
}

pub fn run(args: &DiffArgs) -> u8 {
    if args.git_driver {
        return git_driver(args);
    }
    let output = args.output.as_deref().filter(|p| *p != Path::new("-"));
    let format = match resolve_format(args.format, output) {
        Ok(f) => f,
        Err(message) => {
            say!("planc: {message}");
            return exit::USAGE;
        }
    };
    let sides = match sides_of(args) {
        Ok(s) => s,
        Err(message) => {
            say!("planc: {message}");
            return exit::USAGE;
        }
    };
    if let Some(out) = output {
        for side in [&sides.0, &sides.1] {
            if let Source::File(p) = &side.source {
                if same_file(out, p) {
                    say!(
                        "planc: refusing to overwrite the input file `{}`",
                        out.display()
                    );
                    return exit::USAGE;
                }
            }
        }
    }
    let old = read_side(&sides.0, args, output);
    let new = read_side(&sides.1, args, output);
    let (old, new) = match (old, new) {
        (Ok(o), Ok(n)) => (o, n),
        (o, n) => return side_failures([o.err(), n.err()]),
    };
    let report = diff::compare(&old, &new, (sides.0.label.clone(), sides.1.label.clone()));
    let colour = output.is_none()
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let text = diff::render(
        &report,
        match format {
            DiffFormat::Text => Format::Text { colour },
            DiffFormat::Markdown => Format::Markdown,
            DiffFormat::Json => Format::Json,
        },
    );
    if let Some(code) = write_report(output, &text) {
        return code;
    }
    max_slip_verdict(args.max_slip, &report, new.day)
}

/// Exit 1, with the slips listed, when one exceeds `--max-slip`.
fn max_slip_verdict(limit: Option<Slip>, report: &Report, day: crate::units::Minutes) -> u8 {
    let Some(limit) = limit else {
        return exit::OK;
    };
    let over = report.slips_over(limit.minutes(day));
    if over.is_empty() {
        return exit::OK;
    }
    for line in &over {
        say!("planc: {line}, more than --max-slip allows");
    }
    exit::PLAN_ERRORS
}

fn side_failures(errors: [Option<SideError>; 2]) -> u8 {
    let mut code = exit::PLAN_ERRORS;
    for e in errors.into_iter().flatten() {
        match e {
            SideError::Plan(text) => say!("{}", text.trim_end()),
            SideError::Read(text) => {
                say!("planc: {text}");
                code = exit::USAGE;
            }
        }
    }
    code
}

fn write_report(output: Option<&Path>, text: &str) -> Option<u8> {
    match output {
        Some(out) => {
            if let Err(e) = write_atomic(out, text.as_bytes()) {
                say!("planc: cannot write `{}`: {e}", out.display());
                return Some(exit::USAGE);
            }
        }
        None => {
            let _ = std::io::stdout().write_all(text.as_bytes());
        }
    }
    None
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn resolve_format(format: Option<DiffFormat>, output: Option<&Path>) -> Result<DiffFormat, String> {
    if let Some(f) = format {
        return Ok(f);
    }
    let Some(out) = output else {
        return Ok(DiffFormat::Text);
    };
    match out.extension().and_then(|e| e.to_str()) {
        Some("md" | "markdown") => Ok(DiffFormat::Markdown),
        Some("json") => Ok(DiffFormat::Json),
        Some("txt") | None => Ok(DiffFormat::Text),
        Some(other) => Err(format!(
            "cannot tell the report format from `.{other}`; use --format text|markdown|json"
        )),
    }
}

/// Where one side comes from.
enum Source {
    File(PathBuf),
    Revision(PathBuf, String),
}

struct Side {
    source: Source,
    /// How the report and its errors name it.
    label: String,
}

fn sides_of(args: &DiffArgs) -> Result<(Side, Side), String> {
    match (args.files.as_slice(), &args.from, &args.to) {
        ([plan], Some(from), to) => Ok((
            revision(plan, from),
            match to {
                Some(to) => revision(plan, to),
                None => working_tree(plan),
            },
        )),
        ([plan], None, _) => Ok((revision(plan, "HEAD"), working_tree(plan))),
        ([old, new], None, None) => Ok((file(old), file(new))),
        ([_, _], _, _) => Err(
            "--from and --to compare revisions of one plan; give one file with them".to_string(),
        ),
        ([], _, _) => Err(
            "give a plan (`planc diff plan.plan`) or two files (`planc diff old.plan new.plan`)"
                .to_string(),
        ),
        _ => Err("give at most two files: OLD and NEW".to_string()),
    }
}

fn revision(plan: &Path, rev: &str) -> Side {
    Side {
        source: Source::Revision(plan.to_path_buf(), rev.to_string()),
        label: rev.to_string(),
    }
}

fn working_tree(plan: &Path) -> Side {
    Side {
        source: Source::File(plan.to_path_buf()),
        label: "working tree".to_string(),
    }
}

fn file(path: &Path) -> Side {
    Side {
        source: Source::File(path.to_path_buf()),
        label: path.display().to_string(),
    }
}

fn load_options(args: &DiffArgs) -> LoadOptions {
    LoadOptions {
        allow_outside_includes: args.allow_outside_includes,
        ..LoadOptions::default()
    }
}

fn schedule_options(args: &DiffArgs) -> crate::ScheduleOptions {
    crate::ScheduleOptions {
        level: !args.no_level,
        effort: match args.level {
            LevelArg::Normal => crate::schedule::LevelEffort::Normal,
            LevelArg::Thorough => crate::schedule::LevelEffort::Thorough,
        },
        as_planned: args.as_planned,
    }
}

/// One side as a snapshot: a JSON schedule read as is, a plan compiled.
fn read_side(side: &Side, args: &DiffArgs, output: Option<&Path>) -> Result<Snapshot, SideError> {
    let options = load_options(args);
    let loaded = match &side.source {
        Source::Revision(plan, rev) => crate::load_at_revision(plan, rev, &options)
            .map_err(|e| SideError::Read(e.to_string()))?,
        Source::File(path) => {
            if is_json(path) {
                let bytes = std::fs::read(path).map_err(|e| {
                    SideError::Read(format!("cannot read `{}`: {e}", path.display()))
                })?;
                return Snapshot::from_json(&bytes)
                    .map_err(|e| SideError::Plan(format!("at {}: {e}", side.label)));
            }
            crate::load(path, &options).map_err(|e| SideError::Read(e.to_string()))?
        }
    };
    if let Some(out) = output {
        check_not_input(out, &loaded.sources).map_err(SideError::Read)?;
    }
    compile_side(&loaded, args, &side.label)
}

fn compile_side(loaded: &Loaded, args: &DiffArgs, label: &str) -> Result<Snapshot, SideError> {
    let compiled = crate::compile(loaded, &schedule_options(args));
    if compiled.diagnostics.has_errors() {
        return Err(SideError::Plan(side_errors(loaded, &compiled, label)));
    }
    diff::snapshot_of(&compiled)
        .ok_or_else(|| SideError::Plan(format!("at {label}: the plan has no schedule")))
}

/// Every error of one side, each line led by the side's name:
/// `at v1.2: plan.plan:14:3: error[E0201]: ...`.
fn side_errors(loaded: &Loaded, compiled: &crate::Compiled, label: &str) -> String {
    let mut text = String::new();
    for d in compiled
        .diagnostics
        .iter()
        .filter(|d| d.severity == crate::Severity::Error)
    {
        let j = d.to_json(&loaded.sources);
        let place = match (j["file"].as_str(), j["line"].as_u64(), j["column"].as_u64()) {
            (Some(f), Some(l), Some(c)) => format!("{f}:{l}:{c}: "),
            _ => String::new(),
        };
        text.push_str(&format!(
            "at {label}: {place}error[{}]: {}\n",
            d.code.0, d.message
        ));
        if let Some(help) = &d.help {
            text.push_str(&format!("  help: {help}\n"));
        }
    }
    text
}

/// A JSON schedule by its extension, or by its first character.
fn is_json(path: &Path) -> bool {
    if path.extension().is_some_and(|e| e == "json") {
        return true;
    }
    let mut first = [0u8; 64];
    let Ok(mut f) = super::input::open_regular(path) else {
        return false;
    };
    let n = std::io::Read::read(&mut f, &mut first).unwrap_or(0);
    first[..n].iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

/// `git diff` with `diff.planc.command`: git passes the path and the old
/// and new contents in temporary files. Includes are read from the working
/// tree; an included file that is no whole plan gets a text diff. Always
/// exits 0, as git stops at a failing driver.
fn git_driver(args: &DiffArgs) -> u8 {
    let [path, old_file, _, _, new_file, ..] = args.files.as_slice() else {
        say!("planc: --git-driver takes git's seven external-diff arguments (path old-file old-hex old-mode new-file new-hex new-mode)");
        return exit::USAGE;
    };
    let read = |p: &Path| -> Option<String> {
        if p == Path::new("/dev/null") {
            return None;
        }
        std::fs::read(p)
            .ok()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    };
    let (old, new) = (read(old_file), read(new_file));
    let name = path.display().to_string();
    let mut out = format!("planc diff a/{name} b/{name}\n");
    let base = folder_of(path);
    let options = load_options(args);
    let load = |text: &str| crate::syntax::load_str(&name, text, Some(&base), &options);
    match (old.as_deref(), new.as_deref()) {
        (None, None) => {}
        (None, Some(_)) => out.push_str("new file\n"),
        (Some(_), None) => out.push_str("deleted\n"),
        (Some(o), Some(n)) => {
            let (lo, ln) = (load(o), load(n));
            if !is_whole_plan(&lo) || !is_whole_plan(&ln) {
                out.push_str(&fragment_note(path));
                out.push_str(&crate::fmt::diff::unified(
                    o,
                    n,
                    &format!("a/{name}"),
                    &format!("b/{name}"),
                ));
            } else {
                match (
                    compile_side(&lo, args, "old"),
                    compile_side(&ln, args, "new"),
                ) {
                    (Ok(so), Ok(sn)) => {
                        let report =
                            diff::compare(&so, &sn, ("old".to_string(), "new".to_string()));
                        out.push_str(&diff::render(&report, Format::Text { colour: false }));
                    }
                    (a, b) => {
                        for e in [a.err(), b.err()].into_iter().flatten() {
                            let (SideError::Plan(t) | SideError::Read(t)) = e;
                            out.push_str(&t);
                        }
                        out.push_str(&crate::fmt::diff::unified(
                            o,
                            n,
                            &format!("a/{name}"),
                            &format!("b/{name}"),
                        ));
                    }
                }
            }
        }
    }
    let _ = std::io::stdout().write_all(out.as_bytes());
    exit::OK
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A plan has a `project`; an included part of one has not.
fn is_whole_plan(loaded: &Loaded) -> bool {
    loaded.files.first().is_some_and(|(_, f)| {
        f.items.iter().any(|i| {
            matches!(i, crate::syntax::ast::TopItem::Decl(d) if d.kind == crate::syntax::ast::DeclKind::Project)
        })
    })
}

/// Which plan beside or above the file includes it, for the reader to diff.
fn fragment_note(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = folder_of(path);
    let mut candidates = Vec::new();
    for folder in [dir.clone(), dir.join("..")] {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|e| e == "plan") && p.file_name() != path.file_name()
            })
            .filter(|p| {
                std::fs::read_to_string(p).is_ok_and(|t| {
                    t.lines()
                        .any(|l| l.trim_start().starts_with("include") && l.contains(&name))
                })
            })
            .collect();
        found.sort();
        candidates.extend(found);
    }
    match candidates.first() {
        Some(p) => format!(
            "{} is part of a plan (no `project`), included by {}: run `planc diff {}` for its schedule changes\n",
            path.display(),
            p.display(),
            p.display()
        ),
        None => format!(
            "{} is part of a plan (no `project`): diff the plan that includes it for schedule changes\n",
            path.display()
        ),
    }
}
