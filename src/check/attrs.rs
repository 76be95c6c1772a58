//! Which attributes each declaration takes, and which may be repeated.

use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::syntax::ast::{AttrValue, Decl, DeclKind};

/// Attributes allowed in a declaration of `kind`.
fn allowed(kind: DeclKind) -> &'static [&'static str] {
    match kind {
        DeclKind::Project => &[
            "start", "deadline", "now", "currency", "calendar", "budget", "note",
        ],
        DeclKind::Calendar => &["workdays", "hours", "holiday", "note"],
        DeclKind::Resource => &[
            "role", "units", "capacity", "rate", "calendar", "off", "note",
        ],
        DeclKind::Team => &["resource", "note"],
        DeclKind::Task => &[
            "effort",
            "duration",
            "elapsed",
            "assign",
            "after",
            "finish after",
            "start",
            "not before",
            "deadline",
            "priority",
            "progress",
            "range",
            "cost",
            "budget",
            "tags",
            "note",
        ],
        DeclKind::Milestone => &[
            "after",
            "finish after",
            "date",
            "deadline",
            "note",
            "tags",
            "priority",
            "progress",
            "finished",
        ],
        DeclKind::Risk => &[
            "chance", "delay", "cost", "affects", "owner", "response", "status", "note",
        ],
        DeclKind::Issue => &[
            "raised",
            "owner",
            "affects",
            "severity",
            "status",
            "resolution",
            "note",
        ],
    }
}

/// Attributes that may be written more than once (their values add up).
fn repeatable(keyword: &str) -> bool {
    matches!(
        keyword,
        "assign"
            | "after"
            | "finish after"
            | "holiday"
            | "off"
            | "hours"
            | "tags"
            | "affects"
            | "resource"
    )
}

/// Reports misplaced and repeated attributes of one declaration. Returns
/// true when all of them are in place.
pub fn check_placement(decl: &Decl, diags: &mut Diagnostics) -> bool {
    let allowed = allowed(decl.kind);
    let mut ok = true;
    // Bit `i` is set once `allowed[i]` was seen; the lists are shorter than
    // 64, and a bit set costs no allocation per declaration.
    let mut seen = 0u64;
    for attr in decl.attrs() {
        // An invalid attribute was reported where it was read; where it
        // stands, or that it repeats one, would be a second error for it.
        if matches!(attr.value, AttrValue::Invalid(_)) {
            continue;
        }
        let kw = attr.value.keyword();
        let Some(index) = allowed.iter().position(|a| *a == kw) else {
            ok = false;
            diags.push(misplaced(decl, kw, attr.keyword, allowed));
            continue;
        };
        let bit = 1u64.checked_shl(index as u32).unwrap_or(0);
        if seen & bit != 0 {
            if !repeatable(kw) {
                let first = decl
                    .attrs()
                    .find(|a| a.value.keyword() == kw)
                    .map_or(attr.keyword, |a| a.keyword);
                diags.push(
                    Diagnostic::error(codes::REPEATED_ATTRIBUTE, format!("`{kw}` is given twice"))
                        .at(attr.keyword, "given again here")
                        .also(first, "first given here")
                        .with_help(format!(
                            "a {} has one `{kw}`; remove one of them",
                            decl.kind.keyword()
                        )),
                );
            }
            continue;
        }
        seen |= bit;
    }
    ok
}

fn misplaced(decl: &Decl, kw: &str, span: crate::source::Span, allowed: &[&str]) -> Diagnostic {
    let what = decl.kind.keyword();
    let hint = match (decl.kind, kw) {
        (DeclKind::Milestone, "effort" | "duration" | "elapsed") => {
            "a milestone takes no time; make it a `task` if it needs work".to_string()
        }
        (DeclKind::Task, "date") => "a task's fixed start is written `start DATE`".to_string(),
        (DeclKind::Task, "finished") => {
            "only a milestone takes `finished` for now; mark a finished task `progress 100%`"
                .to_string()
        }
        (DeclKind::Team, _) => "a team lists its members (`resource alice, bob`) or declares them \
                                (`resource ann \"Ann\" { rate 600/d }`)"
            .to_string(),
        _ => {
            let list: Vec<String> = allowed.iter().map(|a| format!("`{a}`")).collect();
            format!("a {what} takes {}", list.join(", "))
        }
    };
    Diagnostic::error(
        codes::MISPLACED_ATTRIBUTE,
        format!("`{kw}` does not belong in a {what}"),
    )
    .at(span, format!("not an attribute of a {what}"))
    .with_help(hint)
}

/// A `resource` declared inside something other than a team.
pub fn misplaced_resource(parent: &Decl, resource: &Decl) -> Diagnostic {
    let what = parent.kind.keyword();
    Diagnostic::error(
        codes::MISPLACED_ATTRIBUTE,
        format!("a `resource` cannot be declared inside a {what}"),
    )
    .at(resource.keyword, format!("inside a {what}"))
    .with_help(
        "declare resources at the top level, or inside a `team` to make them its members; \
         a task books them with `assign`",
    )
}

/// The first value of an attribute, if written.
pub fn first<'a, T>(decl: &'a Decl, pick: impl Fn(&'a AttrValue) -> Option<T>) -> Option<T> {
    decl.attrs().find_map(|a| pick(&a.value))
}
