//! Resources and teams (one namespace) and assignments to them.

use super::model::{Booking, CalendarId, Closure, Rate, RatePer, Resource, ResourceId, Team};
use super::names::FlatNames;
use super::values::{self, whole_number};
use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::source::Span;
use crate::syntax::ast::{AssignItem, AttrValue, Decl, DeclKind, RateUnit, Reference};
use crate::units::{Day, Share};

/// The bookings of one assignment item: one resource's (nearly every item,
/// and not allocated), or a team's.
#[derive(Default)]
pub struct Bookings {
    one: Option<Booking>,
    team: Vec<Booking>,
}

impl Bookings {
    fn iter(&self) -> impl Iterator<Item = &Booking> {
        self.one.iter().chain(&self.team)
    }
}

impl IntoIterator for Bookings {
    type Item = Booking;
    type IntoIter = std::iter::Chain<std::option::IntoIter<Booking>, std::vec::IntoIter<Booking>>;

    fn into_iter(self) -> Self::IntoIter {
        self.one.into_iter().chain(self.team)
    }
}

/// A name in the resource namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Member {
    Resource(ResourceId),
    /// An index into `Resources::teams` (32 bits keep the name table's
    /// slots at 16 bytes).
    Team(u32),
}

pub struct Resources {
    pub resources: Vec<Resource>,
    pub teams: Vec<Team>,
    pub names: FlatNames<Member>,
}

impl Resources {
    fn span_of(&self, m: Member) -> Span {
        match m {
            Member::Resource(r) => self.resources[r.index()].span,
            Member::Team(t) => self.teams[t as usize].span,
        }
    }

    /// Resolves a reference that must name a single resource (an owner).
    pub fn resource(&self, r: &Reference) -> Result<ResourceId, Box<Diagnostic>> {
        match self.names.resolve(r)? {
            Member::Resource(id) => Ok(id),
            Member::Team(_) => Err(Box::new(
                Diagnostic::error(
                    codes::UNKNOWN_NAME,
                    format!("`{}` is a team, not a resource", r.dotted()),
                )
                .at(r.span, "a team here")
                .with_help("name one person or pool"),
            )),
        }
    }

    /// The bookings an assignment item stands for: one resource, or every
    /// member of a team.
    pub fn bookings(&self, item: &AssignItem, diags: &mut Diagnostics) -> Bookings {
        let member = match self.names.resolve(&item.resource) {
            Ok(m) => m,
            Err(d) => {
                diags.push(*d);
                return Bookings::default();
            }
        };
        let count = match &item.count {
            Some(n) => match whole_number(n, "a count", 1..=1_000_000, diags) {
                Some(c) => c as u32,
                None => return Bookings::default(),
            },
            None => 1,
        };
        let percent = item.percent.as_deref().map_or(Share::FULL, values::share);
        if percent == Share::ZERO {
            if let Some(p) = &item.percent {
                diags.push(
                    Diagnostic::error(codes::VALUE_RANGE, "an assignment of 0% does no work")
                        .at(p.span, "must be more than 0%"),
                );
            }
            return Bookings::default();
        }
        let booking = |resource| Booking {
            resource,
            count,
            percent,
        };
        let bookings = match member {
            Member::Resource(r) => Bookings {
                one: Some(booking(r)),
                team: Vec::new(),
            },
            Member::Team(t) => {
                let team = &self.teams[t as usize];
                if team.members.is_empty() {
                    diags.push(
                        Diagnostic::error(
                            codes::VALUE_RANGE,
                            format!("the team `{}` has no members to assign", team.id),
                        )
                        .at(item.resource.span, "an empty team")
                        .also(team.span, "declared here")
                        .with_help("list its members in the team: `resource alice, bob`"),
                    );
                }
                Bookings {
                    one: None,
                    team: team.members.iter().copied().map(booking).collect(),
                }
            }
        };
        for b in bookings.iter() {
            self.check_demand(b, item, diags);
        }
        bookings
    }

    /// A demand above units x capacity could never be met.
    fn check_demand(&self, b: &Booking, item: &AssignItem, diags: &mut Diagnostics) {
        let asked = u64::from(b.count) * u64::from(b.percent.0);
        // Every resource has at least one unit: a demand of one unit or
        // less fits without reading the resource (on a large plan that
        // read misses the cache for nearly every assignment).
        if asked <= u64::from(Share::FULL.0) {
            return;
        }
        let r = &self.resources[b.resource.index()];
        let available = u64::from(r.units) * u64::from(Share::FULL.0);
        if asked > available {
            let asked_units = asked as f64 / 10_000.0;
            diags.push(
                Diagnostic::error(
                    codes::DEMAND_TOO_HIGH,
                    format!(
                        "this asks for {} of `{}`, which has {} unit{}",
                        fmt_units(asked_units),
                        r.id,
                        r.units,
                        if r.units == 1 { "" } else { "s" }
                    ),
                )
                .at(item.span, "more than the resource has")
                .also(r.span, "declared here")
                .with_help(format!(
                    "assign at most {} `{}`, or raise its `units`",
                    r.units, r.id
                )),
            );
        }
    }
}

fn fmt_units(u: f64) -> String {
    if u.fract() == 0.0 {
        format!("{u} units")
    } else {
        format!("{u:.2} units")
    }
}

/// Lowers every top-level resource and team.
/// Resources without a `calendar` work `default_calendar` (the project's).
pub fn lower_all(
    decls: &[&Decl],
    calendars: &FlatNames<CalendarId>,
    default_calendar: CalendarId,
    diags: &mut Diagnostics,
) -> Resources {
    let mut res = Resources {
        resources: Vec::new(),
        teams: Vec::new(),
        names: FlatNames::new("resource or team"),
    };
    let mut team_decls = Vec::new();
    let inline: Vec<Span> = decls
        .iter()
        .filter(|d| d.kind == DeclKind::Team)
        .flat_map(|t| t.inline_resources().map(Decl::name_span))
        .collect();
    for decl in decls {
        let Some(id) = &decl.id else { continue };
        let member = match decl.kind {
            DeclKind::Resource => Member::Resource(ResourceId(res.resources.len() as u32)),
            DeclKind::Team => Member::Team(res.teams.len() as u32),
            _ => continue,
        };
        if let Some(old) = res.names.add(&id.name, member) {
            diags.push(
                Diagnostic::error(
                    codes::DUPLICATE_ID,
                    format!("`{}` is declared twice", id.name),
                )
                .at(id.span, "declared again here")
                .also(res.span_of(old), "first declared here")
                .with_help(duplicate_help(
                    &id.name,
                    [id.span, res.span_of(old)],
                    &inline,
                )),
            );
            continue;
        }
        match member {
            Member::Resource(_) => res.resources.push(lower_resource(
                decl,
                &id.name,
                calendars,
                default_calendar,
                diags,
            )),
            Member::Team(_) => {
                res.teams.push(Team {
                    id: id.name.to_string(),
                    name: decl
                        .title
                        .as_ref()
                        .map_or_else(|| id.name.to_string(), |t| t.value.clone()),
                    members: Vec::new(),
                    span: id.span,
                });
                team_decls.push(*decl);
            }
        }
    }
    for (t, decl) in team_decls.into_iter().enumerate() {
        let mut members = Vec::new();
        for inline in decl.inline_resources() {
            // A duplicate id was reported above and names another resource.
            let own = inline.id.as_ref().and_then(|id| {
                let reference = Reference {
                    text: id.name.clone(),
                    span: id.span,
                };
                let r = res.resource(&reference).ok()?;
                (res.resources[r.index()].span == id.span).then_some(r)
            });
            if let Some(r) = own.filter(|r| !members.contains(r)) {
                members.push(r);
            }
        }
        for attr in decl.attrs() {
            if let AttrValue::Members(refs) = &attr.value {
                for r in refs {
                    match res.resource(r) {
                        Ok(id) if !members.contains(&id) => members.push(id),
                        Ok(_) => {}
                        Err(d) => diags.push(*d),
                    }
                }
            }
        }
        res.teams[t].members = members;
    }
    res
}

/// The help for a resource or team id declared twice: a member declared
/// inline in one team is listed in another by reference.
fn duplicate_help(id: &str, spans: [Span; 2], inline: &[Span]) -> String {
    if spans.iter().any(|s| inline.contains(s)) {
        format!(
            "a resource is declared once, in one team or at the top level; \
             another team lists it by reference: `resource {id}`"
        )
    } else {
        "resources and teams share one namespace; give each its own id".to_string()
    }
}

fn lower_resource(
    decl: &Decl,
    id: &str,
    calendars: &FlatNames<CalendarId>,
    default_calendar: CalendarId,
    diags: &mut Diagnostics,
) -> Resource {
    let mut r = Resource {
        id: id.to_string(),
        name: decl
            .title
            .as_ref()
            .map_or_else(|| id.to_string(), |t| t.value.clone()),
        role: None,
        units: 1,
        capacity: Share::FULL,
        rate: None,
        calendar: default_calendar,
        off: Vec::new(),
        note: None,
        span: decl.name_span(),
    };
    for attr in decl.attrs() {
        match &attr.value {
            AttrValue::Role(t) => r.role = Some(t.value.clone()),
            AttrValue::Units(n) => {
                if let Some(u) = whole_number(n, "`units`", 1..=1_000_000, diags) {
                    r.units = u as u32;
                }
            }
            AttrValue::Capacity(p) => {
                let share = values::share(p);
                if share == Share::ZERO {
                    diags.push(
                        Diagnostic::error(
                            codes::VALUE_RANGE,
                            "a capacity of 0% leaves no time for the plan",
                        )
                        .at(p.span, "must be more than 0%"),
                    );
                } else {
                    r.capacity = share;
                }
            }
            AttrValue::Rate(rate) => match rate.amount.scaled(100) {
                Some(cents) => {
                    r.rate = Some(Rate {
                        amount: crate::units::Money(cents),
                        per: match rate.unit {
                            RateUnit::Hour => RatePer::Hour,
                            RateUnit::Day => RatePer::Day,
                        },
                    })
                }
                None => diags.push(
                    Diagnostic::error(codes::NUMBER_TOO_LARGE, "this rate is too large")
                        .at(rate.span, "too large to represent"),
                ),
            },
            AttrValue::Calendar(c) => match calendars.resolve(c) {
                Ok(cal) => r.calendar = cal,
                Err(d) => diags.push(*d),
            },
            AttrValue::Off(when, why) => r.off.push(Closure {
                first: Day::from_date(when.first),
                last: Day::from_date(when.last),
                why: why.as_ref().map(|t| t.value.clone()),
            }),
            AttrValue::Note(t) => r.note = Some(t.value.clone()),
            _ => {}
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::codes;

    fn codes_of(text: &str) -> Vec<&'static str> {
        let (_, checked) = crate::check_str("plan.plan", text);
        checked.diagnostics.iter().map(|d| d.code.0).collect()
    }

    #[test]
    fn a_team_declares_members_in_place_and_by_reference() {
        let text = r#"project "P" { start 2027-01-04 }
resource carol "Carol"
team devs "Developers" { resource ann "Ann" { rate 600/d } resource ben "Ben" resource carol }
task a { effort 2d  assign devs }
task b { effort 1d  assign ann }
"#;
        let (_, checked) = crate::check_str("plan.plan", text);
        let model = checked.model.expect("the plan checks");
        let ids: Vec<&str> = model.resources.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["carol", "ann", "ben"]);
        let members: Vec<&str> = model.teams[0]
            .members
            .iter()
            .map(|m| model.resources[m.index()].id.as_str())
            .collect();
        assert_eq!(members, ["ann", "ben", "carol"]);
        assert!(model.resources[1].rate.is_some(), "ann keeps her rate");
    }

    #[test]
    fn an_inline_member_declared_twice_is_a_duplicate() {
        let in_two_teams = r#"project "P" { start 2027-01-04 }
team a { resource ann "Ann" }
team b { resource ann "Ann" }
"#;
        assert_eq!(codes_of(in_two_teams), [codes::DUPLICATE_ID.0]);
        let also_at_top = r#"project "P" { start 2027-01-04 }
resource ann "Ann"
team a { resource ann "Ann" { rate 600/d } }
"#;
        assert_eq!(codes_of(also_at_top), [codes::DUPLICATE_ID.0]);
    }

    #[test]
    fn a_resource_declared_in_a_task_is_misplaced() {
        let text = r#"project "P" { start 2027-01-04 }
task a { effort 2d  resource ann "Ann" }
"#;
        assert_eq!(codes_of(text), [codes::MISPLACED_ATTRIBUTE.0]);
    }
}
