//! The one diagnostic type every phase reports with: a stable code, a
//! severity, a message, labelled spans and optional help. Phases collect
//! diagnostics and keep going; the CLI picks how to print them (plain text,
//! beside this type in `plain.rs`, graphical, or JSON lines).

mod plain;

pub use plain::summary;

use crate::source::{SourceMap, Span};
use serde_json::json;
use std::fmt;

/// How bad a diagnostic is. Errors stop the build; warnings do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A stable diagnostic code such as `E0201`. Codes are never reused; each is
/// documented in `docs/diagnostics.md` (a test checks both).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Code(pub &'static str);

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// A span with a short text printed beside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub text: String,
}

/// One problem found in a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// Where the problem is. `None` only for problems with no place in any
    /// file (an unreadable root file, say).
    pub primary: Option<Label>,
    /// Further places that explain the problem (the first definition of a
    /// duplicate, every other task on a cycle).
    pub secondary: Vec<Label>,
    pub help: Option<String>,
    /// Repairs a tool may apply as they are (an editor's quick fixes): the
    /// concrete replacements the help suggests, best first.
    pub fixes: Vec<Fix>,
}

/// A machine-applicable repair: write `replacement` in place of `span`
/// (an empty span inserts).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub span: Span,
    pub replacement: String,
}

impl Diagnostic {
    /// As a JSON object: code, severity, message, file, line, column, end
    /// line and column, help, and every label (the `--message-format json`
    /// lines and the JSON output's `diagnostics`).
    pub fn to_json(&self, sources: &SourceMap) -> serde_json::Value {
        let place = |l: &Label| {
            let file = sources.get(l.span.file);
            let (line, column) = file.map_or((0, 0), |f| f.line_col(l.span.start as usize));
            let (end_line, end_column) = file.map_or((0, 0), |f| f.line_col(l.span.end as usize));
            json!({
                "file": file.map(|f| f.name.clone()),
                "line": line,
                "column": column,
                "end_line": end_line,
                "end_column": end_column,
                "label": l.text,
            })
        };
        let primary = self.primary.as_ref().map(place);
        let field = |k: &str| {
            primary
                .as_ref()
                .and_then(|p| p.get(k).cloned())
                .unwrap_or(serde_json::Value::Null)
        };
        json!({
            "code": self.code.0,
            "severity": self.severity.as_str(),
            "message": self.message,
            "file": field("file"),
            "line": field("line"),
            "column": field("column"),
            "end_line": field("end_line"),
            "end_column": field("end_column"),
            "help": self.help,
            "labels": self.primary.iter().chain(self.secondary.iter()).map(place).collect::<Vec<_>>(),
        })
    }

    pub fn error(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
            fixes: Vec::new(),
        }
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    /// Sets the primary place.
    pub fn at(mut self, span: Span, text: impl Into<String>) -> Diagnostic {
        self.primary = Some(Label {
            span,
            text: text.into(),
        });
        self
    }

    /// Adds a secondary place.
    pub fn also(mut self, span: Span, text: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label {
            span,
            text: text.into(),
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Adds a repair that writes `replacement` in place of `span`.
    pub fn with_fix(mut self, span: Span, replacement: impl Into<String>) -> Diagnostic {
        self.fixes.push(Fix {
            span,
            replacement: replacement.into(),
        });
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Diagnostics gathered by a phase, in the order found.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sorts by file and position so that output is stable whatever order
    /// the phases found things in.
    pub fn sort(&mut self) {
        self.items.sort_by_key(|d| {
            let place = d.primary.as_ref().map(|l| (l.span.file.0, l.span.start));
            (place, d.code)
        });
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// Every diagnostic code planc can report, with a one-line summary. The
/// docs test checks this list against `docs/diagnostics.md`.
pub mod codes {
    use super::Code;

    pub const SYNTAX: Code = Code("E0001");
    pub const UNREADABLE: Code = Code("E0002");
    pub const TOO_DEEP: Code = Code("E0003");
    pub const TOO_LARGE_INPUT: Code = Code("E0004");
    pub const INVALID_DATE: Code = Code("E0101");
    pub const INVALID_TIME: Code = Code("E0102");
    pub const NUMBER_TOO_LARGE: Code = Code("E0103");
    pub const PERCENT_RANGE: Code = Code("E0104");
    pub const VALUE_RANGE: Code = Code("E0105");
    pub const EMPTY_RANGE: Code = Code("E0106");
    pub const UNKNOWN_NAME: Code = Code("E0201");
    pub const DUPLICATE_ID: Code = Code("E0202");
    pub const MISSING_PROJECT: Code = Code("E0203");
    pub const SECOND_PROJECT: Code = Code("E0204");
    pub const MISSING_START: Code = Code("E0205");
    pub const MISPLACED_ATTRIBUTE: Code = Code("E0206");
    pub const REPEATED_ATTRIBUTE: Code = Code("E0207");
    pub const UNKNOWN_KEYWORD_VALUE: Code = Code("E0208");
    pub const MISSING_WORK: Code = Code("E0301");
    pub const CONFLICTING_WORK: Code = Code("E0302");
    pub const DEPENDENCY_CYCLE: Code = Code("E0303");
    pub const DEPENDS_ON_RELATIVE: Code = Code("E0304");
    pub const DEMAND_TOO_HIGH: Code = Code("E0305");
    pub const GROUP_WITH_WORK: Code = Code("E0306");
    pub const TOO_MANY_TASKS: Code = Code("E0307");
    pub const MILESTONE_PROGRESS: Code = Code("E0308");
    pub const FINISH_BEFORE_START: Code = Code("E0309");
    pub const FINISHED_AFTER_NOW: Code = Code("E0310");
    pub const STARTED_AFTER_NOW: Code = Code("E0311");
    pub const REMAINING_ON_FINISHED: Code = Code("E0312");
    pub const DONE_WITH_REMAINING: Code = Code("E0313");
    pub const DURING_WITH_WORK: Code = Code("E0314");
    pub const DURING_ON_GROUP: Code = Code("E0315");
    pub const DURING_CYCLE: Code = Code("E0316");
    pub const DEPENDS_ON_DURING: Code = Code("E0317");
    pub const GROUP_ACTUALS: Code = Code("E0318");
    pub const STARTED_BEFORE_PREDECESSOR: Code = Code("W0303");
    pub const INCLUDE_NOT_FOUND: Code = Code("E0401");
    pub const INCLUDE_CYCLE: Code = Code("E0402");
    pub const INCLUDED_TWICE: Code = Code("E0403");
    pub const INCLUDE_OUTSIDE: Code = Code("E0404");
    pub const CANNOT_FINISH: Code = Code("E0501");
    pub const NO_WORKING_TIME: Code = Code("E0502");
    pub const DEADLINE_MISSED: Code = Code("W0501");
    pub const BUDGET_EXCEEDED: Code = Code("W0502");
    pub const OVERALLOCATED: Code = Code("W0503");
    pub const FIXED_START_MOVED: Code = Code("W0504");
    pub const ESTIMATE_OUTSIDE_RANGE: Code = Code("W0301");
    pub const RANGE_IGNORED: Code = Code("W0302");
    // Importing TaskJuggler (E0910-E0929; `planc import FILE.tjp`).
    pub const TJP_SYNTAX: Code = Code("E0910");
    pub const TJP_UNKNOWN_MACRO: Code = Code("E0911");
    pub const TJP_MACRO_LIMIT: Code = Code("E0912");
    pub const TJP_INCLUDE: Code = Code("E0913");
    pub const TJP_TOO_DEEP: Code = Code("E0914");
    pub const TJP_APPROXIMATED: Code = Code("W0915");
    pub const TJP_SKIPPED: Code = Code("W0916");
    pub const TJP_UNKNOWN_NAME: Code = Code("W0917");
    // MS Project XML import (E0930-E0949; warnings share the numbers).
    pub const MSPDI_MALFORMED: Code = Code("E0930");
    pub const MSPDI_NOT_PROJECT: Code = Code("E0931");
    pub const MSPDI_NO_START: Code = Code("E0932");
    pub const MSPDI_BAD_VALUE: Code = Code("W0933");
    pub const MSPDI_ENTITY: Code = Code("W0934");
    pub const MSPDI_UNKNOWN_ELEMENT: Code = Code("W0935");
    pub const MSPDI_NOT_CARRIED: Code = Code("W0936");

    /// All codes, for the documentation test.
    pub const ALL: &[Code] = &[
        SYNTAX,
        UNREADABLE,
        TOO_DEEP,
        TOO_LARGE_INPUT,
        INVALID_DATE,
        INVALID_TIME,
        NUMBER_TOO_LARGE,
        PERCENT_RANGE,
        VALUE_RANGE,
        EMPTY_RANGE,
        UNKNOWN_NAME,
        DUPLICATE_ID,
        MISSING_PROJECT,
        SECOND_PROJECT,
        MISSING_START,
        MISPLACED_ATTRIBUTE,
        REPEATED_ATTRIBUTE,
        UNKNOWN_KEYWORD_VALUE,
        MISSING_WORK,
        CONFLICTING_WORK,
        DEPENDENCY_CYCLE,
        DEPENDS_ON_RELATIVE,
        DEMAND_TOO_HIGH,
        GROUP_WITH_WORK,
        TOO_MANY_TASKS,
        MILESTONE_PROGRESS,
        FINISH_BEFORE_START,
        FINISHED_AFTER_NOW,
        STARTED_AFTER_NOW,
        REMAINING_ON_FINISHED,
        DONE_WITH_REMAINING,
        DURING_WITH_WORK,
        DURING_ON_GROUP,
        DURING_CYCLE,
        DEPENDS_ON_DURING,
        GROUP_ACTUALS,
        STARTED_BEFORE_PREDECESSOR,
        INCLUDE_NOT_FOUND,
        INCLUDE_CYCLE,
        INCLUDED_TWICE,
        INCLUDE_OUTSIDE,
        CANNOT_FINISH,
        NO_WORKING_TIME,
        DEADLINE_MISSED,
        BUDGET_EXCEEDED,
        OVERALLOCATED,
        FIXED_START_MOVED,
        ESTIMATE_OUTSIDE_RANGE,
        RANGE_IGNORED,
        TJP_SYNTAX,
        TJP_UNKNOWN_MACRO,
        TJP_MACRO_LIMIT,
        TJP_INCLUDE,
        TJP_TOO_DEEP,
        TJP_APPROXIMATED,
        TJP_SKIPPED,
        TJP_UNKNOWN_NAME,
        MSPDI_MALFORMED,
        MSPDI_NOT_PROJECT,
        MSPDI_NO_START,
        MSPDI_BAD_VALUE,
        MSPDI_ENTITY,
        MSPDI_UNKNOWN_ELEMENT,
        MSPDI_NOT_CARRIED,
    ];
}
