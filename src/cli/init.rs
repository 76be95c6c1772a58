//! `planc init`: write a commented starter plan that builds as is. It never
//! overwrites a file, and the file appears whole or not at all.

use super::{exit, InitArgs};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The file written when no name is given.
const DEFAULT_NAME: &str = "plan.plan";

pub fn run(args: &InitArgs) -> u8 {
    let path = target_path(args.name.as_deref());
    let text = starter_plan(&title_for(&path), &file_label(&path), first_monday());
    match write_new(&path, text.as_bytes()) {
        Ok(()) => {
            say!(
                "planc: wrote `{0}`; build it with `planc build {0} -o plan.html` or preview it live with `planc watch {0} --serve`",
                path.display()
            );
            exit::OK
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            say!(
                "planc: `{}` already exists and `planc init` never overwrites a file; name another one: `planc init NAME`",
                path.display()
            );
            exit::USAGE
        }
        Err(e) => {
            say!("planc: cannot write `{}`: {e}", path.display());
            exit::USAGE
        }
    }
}

/// `plan.plan` by default, `NAME/plan.plan` for a folder, and `.plan`
/// added to a name without an extension.
fn target_path(name: Option<&Path>) -> PathBuf {
    match name {
        None => PathBuf::from(DEFAULT_NAME),
        Some(dir) if dir.is_dir() => dir.join(DEFAULT_NAME),
        Some(name) if name.extension().is_none() => name.with_extension("plan"),
        Some(name) => name.to_path_buf(),
    }
}

/// "release_plan.plan" -> "Release plan", as a plan string (escaped).
fn title_for(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let words: String = stem
        .chars()
        .map(|c| if c == '_' || c == '-' { ' ' } else { c })
        .collect();
    let words = words.trim();
    let mut chars = words.chars();
    let title = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "My project".to_string(),
    };
    escape_plan_string(&title)
}

/// The file name shown in the starter's comments.
fn file_label(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| DEFAULT_NAME.to_string())
        .replace(['\n', '\r'], " ")
}

fn escape_plan_string(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Today if it is a Monday, else the next Monday: a plausible start.
fn first_monday() -> jiff::civil::Date {
    let fallback = jiff::civil::date(2027, 1, 4);
    let mut day = jiff::Zoned::now().date();
    for _ in 0..7 {
        if day.weekday() == jiff::civil::Weekday::Monday {
            return day;
        }
        day = match day.tomorrow() {
            Ok(next) => next,
            Err(_) => return fallback,
        };
    }
    fallback
}

/// The starter plan. It uses the common parts of the language, each with
/// a comment, and has no errors or warnings.
fn starter_plan(title: &str, file: &str, start: jiff::civil::Date) -> String {
    let deadline = start
        .checked_add(jiff::Span::new().weeks(12))
        .unwrap_or(start);
    format!(
        r#"# {title}
#
# A starter plan written by `planc init`. Everything after `#` is a
# comment. Try:
#
#   planc check {file}                  find mistakes
#   planc build {file} -o plan.html     write a report (.json, .md, .mmd too)
#   planc watch {file} --serve          live preview in the browser

project "{title}" {{
  start {start}  # the first working day
  deadline {deadline}  # missing it is a warning, not an error
  currency EUR
  calendar office  # the working time of everything below
}}

# Working time: Monday to Friday with a lunch break. Add public holidays
# with `holiday 2027-12-24 "Christmas Eve"`.
calendar office "Office hours" {{
  workdays mon..fri
  hours 09:00..12:00, 13:00..17:00
}}

# People and other resources, with what a day or an hour of them costs.
resource ana "Ana" {{ role "Designer"  rate 600/d }}
resource ben "Ben" {{ role "Developer"  rate 75/h  capacity 50% }}

# The work. A task holding other tasks is a group. A leaf task has an
# `effort` (work shared by whoever is assigned), a `duration` (working
# time, whoever does it) or an `elapsed` time (calendar time).
task design "Design" {{
  task sketches "Sketches" {{ effort 3d  assign ana }}
  task review "Design review" {{
    after sketches  # starts when the sketches are done
    duration 1d
    assign ana, ben
  }}
}}

task build "Build" {{
  after design  # after every task in the group
  effort 5d
  range 4d..8d  # the best and the worst case
  assign ben
}}

milestone launch "Launch" {{ after build }}

# Something that may happen, how likely it is and what it would cost.
risk feedback "Feedback comes late" {{
  chance 30%
  delay 3d
  affects design.review
  owner ana
}}
"#
    )
}

/// Writes a new file whole or not at all, failing with `AlreadyExists`
/// rather than replacing anything: a temporary file next to the target,
/// hard-linked into place (which refuses an existing name).
fn write_new(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let temp = dir.join(format!(".planc-init.{}.tmp", std::process::id()));
    let Ok(mut file) = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)
    else {
        return write_exclusively(path, contents);
    };
    let written = file.write_all(contents).and_then(|()| file.sync_all());
    drop(file);
    let linked = written.and_then(|()| std::fs::hard_link(&temp, path));
    let _ = std::fs::remove_file(&temp);
    match linked {
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists && !path.exists() => {
            write_exclusively(path, contents)
        }
        other => other,
    }
}

/// For file systems without hard links: exclusive creation, then write.
fn write_exclusively(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_comes_from_the_file_name() {
        assert_eq!(title_for(Path::new("release_plan.plan")), "Release plan");
        assert_eq!(title_for(Path::new("dir/q3-launch.plan")), "Q3 launch");
        assert_eq!(title_for(Path::new("say \"hi\\.plan")), "Say \\\"hi\\\\");
    }

    #[test]
    fn a_name_without_extension_gets_plan() {
        assert_eq!(
            target_path(Some(Path::new("roadmap"))),
            PathBuf::from("roadmap.plan")
        );
        assert_eq!(target_path(None), PathBuf::from("plan.plan"));
    }

    #[test]
    fn the_starter_plan_has_no_problems() {
        let text = starter_plan("Starter", "plan.plan", jiff::civil::date(2027, 3, 1));
        let (loaded, _) = crate::check_str("plan.plan", &text);
        let compiled = crate::compile(&loaded, &crate::schedule::Options::default());
        let problems: Vec<String> = compiled
            .diagnostics
            .iter()
            .map(|d| d.message.clone())
            .collect();
        assert!(problems.is_empty(), "{problems:?}");
        assert!(compiled.schedule.is_some());
    }

    #[test]
    fn an_existing_file_is_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.plan");
        std::fs::write(&path, "mine").unwrap();
        let err = write_new(&path, b"theirs").unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "mine");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "the temporary file must be removed");
    }
}
