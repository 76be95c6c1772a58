//! Misplaced and repeated attributes, by the keyword table's rules
//! ([`crate::syntax::keywords`]: which declaration takes which attribute,
//! which repeat).

use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::syntax::ast::{AttrValue, Decl, DeclKind};
use crate::syntax::keywords::{takes, AttrKind};

/// Reports misplaced and repeated attributes of one declaration. Returns
/// true when all of them are in place.
pub fn check_placement(decl: &Decl, diags: &mut Diagnostics) -> bool {
    let allowed = takes(decl.kind);
    let mut ok = true;
    // Bit `i` is set once `allowed[i]` was seen; the lists are shorter than
    // 64, and a bit set costs no allocation per declaration.
    let mut seen = 0u64;
    for attr in decl.attrs() {
        // An invalid attribute was reported where it was read; where it
        // stands, or that it repeats one, would be a second error for it.
        let Some(kind) = attr.value.kind() else {
            continue;
        };
        let kw = kind.name();
        let Some(index) = allowed.iter().position(|a| *a == kind) else {
            ok = false;
            diags.push(misplaced(decl, kind, attr.keyword, allowed));
            continue;
        };
        let bit = 1u64.checked_shl(index as u32).unwrap_or(0);
        if seen & bit != 0 {
            if !kind.repeats() {
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

fn misplaced(
    decl: &Decl,
    kind: AttrKind,
    span: crate::source::Span,
    allowed: &[AttrKind],
) -> Diagnostic {
    let what = decl.kind.keyword();
    let kw = kind.name();
    let hint = match (decl.kind, kind) {
        (DeclKind::Milestone, AttrKind::Effort | AttrKind::Duration | AttrKind::Elapsed) => {
            "a milestone takes no time; make it a `task` if it needs work".to_string()
        }
        (DeclKind::Task, AttrKind::Date) => {
            "a task's fixed start is written `start DATE`".to_string()
        }
        (DeclKind::Task, AttrKind::Finished) => {
            "only a milestone takes `finished` for now; mark a finished task `progress 100%`"
                .to_string()
        }
        (DeclKind::Team, _) => "a team lists its members (`resource alice, bob`) or declares them \
                                (`resource ann \"Ann\" { rate 600/d }`)"
            .to_string(),
        _ => {
            let list: Vec<String> = allowed.iter().map(|a| format!("`{}`", a.name())).collect();
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
