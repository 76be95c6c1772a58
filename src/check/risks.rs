//! Risks and issues: the project's register, lowered after the tasks and
//! resources it refers to.

use super::model::*;
use super::names::{closest, or_list, FlatNames, Remembered};
use super::resources::Resources;
use super::tasks::Tasks;
use super::values::{self, DayLength};
use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::source::Span;
use crate::syntax::ast::{AttrValue, Decl, DeclKind, Ident};
use crate::units::Minutes;

/// Lowers risks and issues, which refer to tasks from the top level.
pub fn lower_risks_and_issues(
    decls: &[&Decl],
    tasks: &Tasks,
    resources: &Resources,
    day: Minutes,
    diags: &mut Diagnostics,
) -> (Vec<Risk>, Vec<Issue>) {
    let mut risk_names: FlatNames<usize> = FlatNames::new("risk");
    let mut issue_names: FlatNames<usize> = FlatNames::new("issue");
    let mut risks: Vec<Risk> = Vec::new();
    let mut issues: Vec<Issue> = Vec::new();
    let mut memo = Remembered::default();
    for decl in decls {
        let Some(ident) = &decl.id else { continue };
        let first = match decl.kind {
            DeclKind::Risk => risk_names
                .add(&ident.name, risks.len())
                .map(|old| risks[old].span),
            DeclKind::Issue => issue_names
                .add(&ident.name, issues.len())
                .map(|old| issues[old].span),
            _ => continue,
        };
        if let Some(first) = first {
            diags.push(declared_twice(decl, ident, first));
            continue;
        }
        let common = lower_common(decl, ident, tasks, resources, &mut memo, diags);
        if decl.kind == DeclKind::Risk {
            risks.push(lower_risk(decl, common, day, diags));
        } else {
            issues.push(lower_issue(decl, common, diags));
        }
    }
    (risks, issues)
}

fn declared_twice(decl: &Decl, ident: &Ident, first: Span) -> Diagnostic {
    Diagnostic::error(
        codes::DUPLICATE_ID,
        format!(
            "the {} `{}` is declared twice",
            decl.kind.keyword(),
            ident.name
        ),
    )
    .at(ident.span, "declared again here")
    .also(first, "first declared here")
}

/// What risks and issues share.
struct Common {
    id: String,
    title: String,
    affects: Vec<TaskId>,
    owner: Option<ResourceId>,
    status: Status,
    note: Option<String>,
    span: Span,
}

fn lower_common(
    decl: &Decl,
    ident: &Ident,
    tasks: &Tasks,
    resources: &Resources,
    memo: &mut Remembered,
    diags: &mut Diagnostics,
) -> Common {
    let title = decl
        .title
        .as_ref()
        .map_or_else(|| ident.name.to_string(), |t| t.value.clone());
    let mut common = Common {
        id: ident.name.to_string(),
        title,
        affects: Vec::new(),
        owner: None,
        status: Status::Open,
        note: None,
        span: ident.span,
    };
    for attr in decl.attrs() {
        match &attr.value {
            AttrValue::Affects(refs) => {
                for r in refs {
                    match tasks.names.resolve(memo, None, r) {
                        Ok(t) => common.affects.push(t),
                        Err(d) => diags.push(*d),
                    }
                }
            }
            AttrValue::Owner(r) => {
                common.owner = resources.resource(r).map_err(|d| diags.push(*d)).ok()
            }
            AttrValue::Status(s) => {
                common.status = match keyword_value(s, &["open", "closed"], diags) {
                    Some(1) => Status::Closed,
                    _ => Status::Open,
                }
            }
            AttrValue::Note(t) => common.note = Some(t.value.clone()),
            _ => {}
        }
    }
    common
}

fn lower_risk(decl: &Decl, common: Common, day: Minutes, diags: &mut Diagnostics) -> Risk {
    let mut risk = Risk {
        id: common.id,
        title: common.title,
        chance: None,
        delay: None,
        cost: None,
        affects: common.affects,
        owner: common.owner,
        response: None,
        status: common.status,
        note: common.note,
        span: common.span,
    };
    for attr in decl.attrs() {
        match &attr.value {
            AttrValue::Chance(p) => risk.chance = Some(values::share(p)),
            AttrValue::Delay(d) => {
                risk.delay = Some(values::duration_minutes(d, DayLength::Working(day)))
            }
            AttrValue::Cost(n) => risk.cost = values::money(n, diags),
            AttrValue::Response(t) => risk.response = Some(t.value.clone()),
            _ => {}
        }
    }
    risk
}

fn lower_issue(decl: &Decl, common: Common, diags: &mut Diagnostics) -> Issue {
    const SEVERITIES: [Severity; 4] = [
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];
    let mut issue = Issue {
        id: common.id,
        title: common.title,
        raised: None,
        owner: common.owner,
        affects: common.affects,
        severity: Severity::Medium,
        status: common.status,
        resolution: None,
        note: common.note,
        span: common.span,
    };
    for attr in decl.attrs() {
        match &attr.value {
            AttrValue::Raised(m) => issue.raised = Some(values::moment(m)),
            AttrValue::Severity(s) => {
                let words = SEVERITIES.map(Severity::as_str);
                if let Some(k) = keyword_value(s, &words, diags) {
                    issue.severity = SEVERITIES[k];
                }
            }
            AttrValue::Resolution(t) => issue.resolution = Some(t.value.clone()),
            _ => {}
        }
    }
    issue
}

/// The index of `word` among `allowed`, or a diagnostic listing them.
fn keyword_value(word: &Ident, allowed: &[&str], diags: &mut Diagnostics) -> Option<usize> {
    if let Some(i) = allowed.iter().position(|a| *a == &*word.name) {
        return Some(i);
    }
    let all: Vec<String> = allowed.iter().map(|s| s.to_string()).collect();
    let mut d = Diagnostic::error(
        codes::UNKNOWN_KEYWORD_VALUE,
        format!("`{}` is not one of {}", word.name, or_list(&all)),
    )
    .at(word.span, "unknown value");
    let near = closest(&word.name, allowed.iter().copied());
    if let Some(n) = near.first() {
        d = d
            .with_help(format!("did you mean `{n}`?"))
            .with_fix(word.span, n.clone());
    }
    diags.push(d);
    None
}
