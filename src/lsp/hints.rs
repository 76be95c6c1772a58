//! What the scheduler knows, written into the text: an inlay hint after
//! each task's header with its computed dates (`Mar 3 - Mar 14`), and a
//! code lens on each milestone with its date and its margin to its
//! deadline.

use super::analysis::Analysis;
use super::hover::short_date;
use super::index::Space;
use super::{reply, Refusal, Server};
use crate::check::TaskKind;
use crate::syntax::ast::DeclKind;
use lsp_types::{
    CodeLens, CodeLensParams, Command, InlayHint, InlayHintKind, InlayHintLabel, InlayHintParams,
};
use serde_json::Value;

pub fn inlay_hints(server: &Server, params: InlayHintParams) -> Result<Value, Refusal> {
    let Some((analysis, file)) = server.locate(&params.text_document.uri) else {
        return reply(Vec::<InlayHint>::new());
    };
    let (Some((source, lines)), Some(model), Some(schedule)) = (
        analysis.source(file),
        &analysis.compiled.model,
        &analysis.compiled.schedule,
    ) else {
        return reply(Vec::<InlayHint>::new());
    };
    let (from, to) = lines.byte_range(&source.text, params.range);
    let mut hints = Vec::new();
    for (symbol, s) in analysis.index.symbols_in(file) {
        let at = header_end(analysis, symbol);
        if s.kind != DeclKind::Task || at < from || at > to {
            continue;
        }
        let Some(task) = analysis.task_of(symbol) else {
            continue;
        };
        let Some(placed) = schedule.tasks.get(task.index()) else {
            continue;
        };
        if model.task(task).kind == TaskKind::Milestone {
            continue;
        }
        hints.push(InlayHint {
            position: lines.position(&source.text, at),
            label: InlayHintLabel::String(format!(
                "{} - {}",
                short_date(placed.start, false),
                short_date(placed.end, true)
            )),
            kind: Some(InlayHintKind::TYPE),
            text_edits: None,
            tooltip: None,
            padding_left: Some(true),
            padding_right: Some(true),
            data: None,
        });
    }
    reply(hints)
}

/// Just after a declaration's id and title: where its hint goes.
fn header_end(analysis: &Analysis, symbol: usize) -> usize {
    let s = &analysis.index.symbols[symbol];
    s.title_end.unwrap_or(s.name_span.end) as usize
}

pub fn code_lenses(server: &Server, params: CodeLensParams) -> Result<Value, Refusal> {
    let Some((analysis, file)) = server.locate(&params.text_document.uri) else {
        return reply(Vec::<CodeLens>::new());
    };
    let (Some((source, lines)), Some(model), Some(schedule)) = (
        analysis.source(file),
        &analysis.compiled.model,
        &analysis.compiled.schedule,
    ) else {
        return reply(Vec::<CodeLens>::new());
    };
    let mut lenses = Vec::new();
    for (symbol, s) in analysis.index.symbols_in(file) {
        if s.kind != DeclKind::Milestone || s.space() != Space::Task {
            continue;
        }
        let Some(task) = analysis.task_of(symbol) else {
            continue;
        };
        let Some(placed) = schedule.tasks.get(task.index()) else {
            continue;
        };
        let mut title = format!("◆ {}", short_date(placed.start, false));
        if let Some(deadline) = model.task(task).details().deadline {
            title.push_str(&margin_text(placed.start, deadline));
        }
        lenses.push(CodeLens {
            range: lines.range(
                &source.text,
                s.span.start as usize,
                s.name_span.end as usize,
            ),
            command: Some(Command {
                title,
                command: String::new(),
                arguments: None,
            }),
            data: None,
        });
    }
    reply(lenses)
}

/// ` · 3 days before its deadline (end of 2027-03-30)`: whole calendar
/// days between the day the milestone falls on and the deadline's last day.
fn margin_text(date: crate::units::Moment, deadline: crate::units::Moment) -> String {
    let last_day = |m: crate::units::Moment| {
        if m.minute_of_day() == 0 {
            m.day().0 - 1
        } else {
            m.day().0
        }
    };
    let margin = last_day(deadline) - last_day(date);
    let days = |n: i64| {
        if n == 1 {
            "1 day".to_string()
        } else {
            format!("{n} days")
        }
    };
    let when = deadline.describe_as_end();
    match margin {
        0 => format!(" · on its deadline ({when})"),
        m if m > 0 => format!(" · {} before its deadline ({when})", days(m)),
        m => format!(" · misses its deadline ({when}) by {}", days(-m)),
    }
}
