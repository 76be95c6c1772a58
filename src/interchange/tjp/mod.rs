//! TaskJuggler 3 projects (`.tjp`, `.tji`) to plan text.
//!
//! No crate reads TaskJuggler's language, so this is a hand-written lexer
//! (`lex.rs`, which also expands macros and reads included files) and a
//! recursive-descent reader (`parse.rs`) of the subset that the examples
//! shipped with tj3 and common plans use: the project header and working
//! hours, leaves and vacations, shifts, resources (nested ones become
//! teams), tasks with effort, length and duration, dependencies with gaps,
//! allocations, limits, journal entries and notes. Reports and everything
//! else are skipped whole and kept as `# import:` comments. `write.rs`
//! turns what was read into plan text (docs/interchange.md has the table
//! of what maps to what, and what is lost).

mod lex;
mod model;
mod parse;
mod write;

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, SourceFile, SourceMap, Span};
use rustc_hash::FxHashSet;
use std::io::Read;
use std::path::PathBuf;
use std::rc::Rc;

/// The diagnostic codes of this importer, by what they mean here.
pub(crate) mod codes {
    pub use crate::diagnostic::codes::{
        TJP_APPROXIMATED as APPROXIMATED, TJP_INCLUDE as INCLUDE, TJP_MACRO_LIMIT as MACRO_LIMIT,
        TJP_SKIPPED as SKIPPED, TJP_SYNTAX as SYNTAX, TJP_TOO_DEEP as TOO_DEEP,
        TJP_UNKNOWN_MACRO as UNKNOWN_MACRO, TJP_UNKNOWN_NAME as UNKNOWN_NAME,
    };
}

/// How many bytes the file and everything it includes may hold together:
/// the limit planc has for plans.
const MAX_TOTAL_BYTES: usize = 64 * 1024 * 1024;
/// How many files may be included (directly or not).
const MAX_INCLUDES: usize = 256;

/// Reads the TaskJuggler project in `file` (already in `sources`) into plan
/// text. Included files are added to `sources`, so that problems in them
/// are located there too.
pub fn read(sources: &mut SourceMap, file: FileId) -> (Option<String>, Vec<Diagnostic>) {
    let Some(root) = sources.get(file) else {
        return (None, Vec::new());
    };
    let text: Rc<str> = Rc::from(root.text.as_str());
    let folder = root
        .path
        .as_ref()
        .and_then(|p| p.canonicalize().ok())
        .and_then(|p| p.parent().map(PathBuf::from));
    let seen = root
        .path
        .as_ref()
        .and_then(|p| p.canonicalize().ok())
        .into_iter()
        .collect();
    let mut files = Files {
        sources,
        folder,
        seen,
        total: text.len(),
    };
    let parser = parse::Parser::new(lex::Lexer::new(file, text), &mut files);
    match parser.file() {
        Ok((project, mut diagnostics)) => {
            let plan = write::write(&project, &mut diagnostics);
            (Some(plan), diagnostics)
        }
        Err(error) => (None, vec![*error]),
    }
}

/// The files of one import: the sources for messages, and the rules for
/// including (inside the imported file's folder, each once, within the
/// size limit).
pub(crate) struct Files<'s> {
    sources: &'s mut SourceMap,
    folder: Option<PathBuf>,
    seen: FxHashSet<PathBuf>,
    total: usize,
}

impl Files<'_> {
    /// The first line of the text from `first` to `last` (for notes).
    fn first_line(&self, first: Span, last: Span) -> String {
        let Some(file) = self.sources.get(first.file) else {
            return String::new();
        };
        let end = if last.file == first.file {
            last.end.max(first.end)
        } else {
            first.end
        };
        let text = file
            .text
            .get(first.start as usize..end as usize)
            .unwrap_or("");
        let line = text.lines().next().unwrap_or("").trim();
        let mut out: String = line.chars().take(100).collect();
        if out.len() < line.len() || text.lines().nth(1).is_some() {
            out.push_str(" ...");
        }
        out.replace('`', "'")
    }

    /// Reads `name`, included from `from`, and adds it to the sources.
    fn load(
        &mut self,
        from: FileId,
        name: &str,
        at: Span,
    ) -> Result<(FileId, Rc<str>), Box<Diagnostic>> {
        let fail = |message: String| {
            Box::new(Diagnostic::error(codes::INCLUDE, message).at(at, "included here"))
        };
        let base = self
            .sources
            .get(from)
            .and_then(|f| f.path.as_ref())
            .and_then(|p| p.parent().map(PathBuf::from));
        let (Some(base), Some(folder)) = (base, self.folder.clone()) else {
            return Err(fail(format!(
                "cannot include `{name}`: the including file has no folder on disk"
            )));
        };
        let path = base.join(name);
        let real = path
            .canonicalize()
            .map_err(|e| fail(format!("cannot include `{name}`: {e}")))?;
        if !real.starts_with(&folder) {
            let outside = fail(format!(
                "`{name}` is outside the folder of the imported file; planc includes only files inside it"
            ));
            return Err(Box::new(
                outside.with_help("copy the file next to the project"),
            ));
        }
        if !self.seen.insert(real.clone()) {
            return Err(fail(format!(
                "`{name}` is included twice (or includes itself)"
            )));
        }
        if self.seen.len() > MAX_INCLUDES {
            return Err(fail(format!("more than {MAX_INCLUDES} included files")));
        }
        let text = self
            .read_within_limit(&real)
            .map_err(|e| fail(format!("cannot include `{name}`: {e}")))?;
        let id = self.sources.add(SourceFile::new(
            path.display().to_string(),
            Some(path.clone()),
            text.clone(),
        ));
        Ok((id, Rc::from(text.as_str())))
    }

    fn read_within_limit(&mut self, path: &std::path::Path) -> Result<String, String> {
        let left = MAX_TOTAL_BYTES.saturating_sub(self.total);
        let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
        let mut bytes = Vec::new();
        file.take(left as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| e.to_string())?;
        if bytes.len() > left {
            return Err("the project and its includes are larger than 64 MiB".into());
        }
        self.total += bytes.len();
        String::from_utf8(bytes).map_err(|e| {
            format!(
                "not valid UTF-8 (first bad byte at offset {})",
                e.utf8_error().valid_up_to()
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(text: &str) -> (Option<String>, Vec<Diagnostic>) {
        let mut sources = SourceMap::new();
        let file = sources.add(SourceFile::new("t.tjp", None, text.to_string()));
        read(&mut sources, file)
    }

    fn plan_text(text: &str) -> String {
        let (plan, diagnostics) = plan(text);
        plan.unwrap_or_else(|| panic!("no plan: {diagnostics:?}"))
    }

    fn one_line(plan: &str) -> String {
        plan.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn project_headers_of_every_form() {
        let p = plan_text("project \"P\" 2027-01-04 - 2027-03-01");
        assert!(
            p.contains("project \"P\" {") && p.contains("start 2027-01-04"),
            "{p}"
        );
        let p = plan_text("project id \"P\" \"2.0\" 2027-01-04-10:30 +4m { currency \"EUR\" }");
        assert!(p.contains("start 2027-01-04T10:30"), "{p}");
        assert!(p.contains("# import: version \"2.0\""), "{p}");
        assert!(p.contains("currency EUR"), "{p}");
        let (none, errors) = plan("task t \"T\"");
        assert!(none.is_none());
        assert!(
            errors[0].message.contains("expected a `project`"),
            "{errors:?}"
        );
        let (none, errors) = plan("project \"P\" 2027-01-04");
        assert!(none.is_none());
        assert!(
            errors[0].message.contains("`- END` or `+DURATION`"),
            "{errors:?}"
        );
    }

    #[test]
    fn references_resolve_as_tj3_and_are_written_as_the_plan_resolves_them() {
        let p = one_line(&plan_text(
            "project \"P\" 2027-01-04 +1m
             task a \"A\" {
               task b \"B\" { length 1d }
               task c \"C\" {
                 task b \"Inner B\" { length 1d }
                 task d \"D\" { depends !!b, !b, a.c.b { onstart } }
               }
             }",
        ));
        assert!(p.contains("after a.b after b after start of b"), "{p}");
    }

    #[test]
    fn working_hours_and_the_length_of_a_day() {
        let p = one_line(&plan_text(
            "project \"P\" 2027-01-04 +1m {
               workinghours mon - thu 9:00 - 12:00, 13:00 - 18:00
               workinghours fri 9:00 - 13:00
               workinghours sat, sun off
             }
             task t \"T\" { length 2d }",
        ));
        assert!(p.contains("workdays mon, tue, wed, thu, fri"), "{p}");
        assert!(
            p.contains("hours 09:00..12:00, 13:00..18:00 hours fri 09:00..13:00"),
            "{p}"
        );
        assert!(p.contains("duration 2d"), "{p}");
        // A day of 7 hours in tj3 but 8 in the calendar: hours are exact.
        let p = plan_text(
            "project \"P\" 2027-01-04 +1m { dailyworkinghours 7 }
             task t \"T\" { length 2d }",
        );
        assert!(p.contains("duration 14h"), "{p}");
    }

    #[test]
    fn leaves_become_whole_days_with_tj3s_exclusive_end() {
        let (p, warnings) = plan(
            "project \"P\" 2027-01-04 +1m
             resource r \"R\" {
               leaves annual 2027-01-04 - 2027-01-06, sick 2027-01-11 +1w
               vacation 2027-01-20-12:00 - 2027-01-21
             }",
        );
        let p = p.expect("a plan");
        assert!(p.contains("off 2027-01-04..2027-01-05 \"annual\""), "{p}");
        assert!(p.contains("off 2027-01-11..2027-01-17 \"sick\""), "{p}");
        assert!(p.contains("off 2027-01-20 \"holiday\""), "{p}");
        assert_eq!(
            warnings.len(),
            1,
            "the half day is approximated: {warnings:?}"
        );
        assert_eq!(warnings[0].code, codes::APPROXIMATED);
    }

    #[test]
    fn unknown_attributes_are_skipped_to_the_next_line_but_continued_lines() {
        let (p, warnings) = plan(
            "project \"P\" 2027-01-04 +1m
             task t \"T\" {
               frobnicate a { b },
                          c (d
                          e)
               delayed:length 3d
               length 1d
             }",
        );
        let p = p.expect("a plan");
        assert!(
            p.contains("# import: `frobnicate a { b }, ...`: not imported"),
            "{p}"
        );
        assert!(
            p.contains("# import: `delayed:length 3d`: only the first scenario"),
            "{p}"
        );
        assert!(p.contains("duration 1d"), "{p}");
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].code, codes::SKIPPED);
    }

    #[test]
    fn anonymous_tasks_get_ids_from_their_names() {
        let p = plan_text(
            "project \"P\" 2027-01-04 +1m
             task \"Buy milk\" { end 2027-01-10 }
             task \"Buy milk\" { end 2027-01-11 }",
        );
        assert!(p.contains("milestone Buy_milk \"Buy milk\""), "{p}");
        assert!(p.contains("milestone Buy_milk_2 \"Buy milk\""), "{p}");
        assert!(p.contains("date 2027-01-10"), "{p}");
    }

    #[test]
    fn built_in_macros_are_the_project_dates() {
        let p = plan_text(
            "project \"P\" 2027-01-04 +2m { now 2027-01-20 }
             task a \"A\" { start ${projectstart} }
             task b \"B\" { start ${projectend} }
             task c \"C\" { start ${now} }",
        );
        assert!(p.contains("date 2027-01-04\n"), "{p}");
        assert!(p.contains("date 2027-03-04\n"), "{p}");
        assert!(p.contains("date 2027-01-20\n"), "{p}");
    }

    #[test]
    fn backward_scheduling_is_a_warning_and_a_comment() {
        let (p, warnings) = plan(
            "project \"P\" 2027-01-04 +1m
             task a \"A\" { length 1d scheduling alap }",
        );
        let p = p.expect("a plan");
        assert!(
            p.contains("# import: `scheduling alap`: TaskJuggler schedules"),
            "{p}"
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].code, codes::APPROXIMATED);
    }

    #[test]
    fn an_include_needs_a_file_on_disk() {
        let (none, errors) = plan("project \"P\" 2027-01-04 +1m\ninclude \"x.tji\"");
        assert!(none.is_none());
        assert_eq!(errors[0].code, codes::INCLUDE);
    }
}
