//! HTML output: one self-contained page (no network requests) with a
//! server-rendered SVG Gantt chart, the task table, resource load, cost
//! against budget, the risk register, the issue log and the warnings.
//!
//! This module turns the [`View`] into geometry and words; the askama
//! template `templates/report.html` lays them out and escapes every piece
//! of user text (titles, names, notes) on the way, so no user text reaches
//! the page unescaped. CSS and the small script (tooltips on hover and
//! focus, collapsing groups) are inlined from `templates/`.

use super::view::{self, Kind, Progress, Row, View};
use crate::check::DepKind;
use crate::units::{Day, Moment};
use askama::Template;

/// Height of one chart row, in pixels.
const ROW: f64 = 28.0;
/// Width of the task-name column of the chart.
const LABEL_WIDTH: f64 = 300.0;
/// Height of the two-tier time axis.
const AXIS: f64 = 44.0;
/// Task tables longer than this are drawn when they scroll into view.
const LAZY_TABLE_ROWS: usize = 1000;
/// Longest label drawn in the chart before it is cut (the full title is in
/// the tooltip and the table).
const LABEL_CHARS: usize = 38;

#[derive(Template)]
#[template(path = "report.html")]
struct Report {
    title: String,
    note: Option<String>,
    generated_range: String,
    kpis: Vec<Kpi>,
    chart: Chart,
    tasks: Vec<TaskLine>,
    /// Long plans: the task table is written inside `<noscript>`, which a
    /// browser with scripts on keeps as one text node, and the script
    /// turns it into the table when it scrolls into view (or before
    /// printing). Parsing 100,000 table nodes up front is what makes a
    /// report of thousands of tasks slow to open.
    lazy_table: bool,
    resources: Vec<ResourceLine>,
    week_labels: Vec<String>,
    /// One entry per week of the strips: a label or nothing.
    week_axis: Vec<String>,
    levelled: bool,
    budgets: Vec<BudgetLine>,
    risks: Vec<RiskLine>,
    issues: Vec<IssueLine>,
    warnings: Vec<String>,
    /// `--baseline` or a status date: variance columns, baseline bars.
    tracked: bool,
    /// What the baseline is, for the captions.
    baseline: String,
    scurve: Option<SCurve>,
}

/// The S-curve of PV, EV and AC, drawn as inline SVG.
struct SCurve {
    width: f64,
    height: f64,
    pv: String,
    ev: String,
    ac: String,
    now_x: f64,
    /// Value gridlines: y and label.
    levels: Vec<(f64, String)>,
    first: String,
    last: String,
    caption: String,
}

struct Kpi {
    label: &'static str,
    value: String,
    detail: String,
    /// `ok`, `bad` or empty.
    tone: &'static str,
}

struct Chart {
    width: f64,
    height: f64,
    label_width: f64,
    axis_height: f64,
    scale: &'static str,
    upper: Vec<Tick>,
    lower: Vec<Tick>,
    shades: Vec<Span>,
    rows: Vec<ChartRow>,
    arrows: Vec<Arrow>,
    now: Option<Marker>,
    deadline: Option<Marker>,
    /// The project deadline's caption when it lies after the chart's end.
    deadline_beyond: Option<String>,
}

struct Tick {
    x: f64,
    /// Where the label is centred.
    mid: f64,
    label: String,
}

struct Span {
    x: f64,
    w: f64,
}

struct Marker {
    x: f64,
    label: String,
    missed: bool,
}

struct ChartRow {
    index: usize,
    /// Row index of the parent, or -1.
    parent: i64,
    y: f64,
    /// Centre line of the row.
    cy: f64,
    indent: f64,
    label: String,
    title: String,
    kind: &'static str,
    group: bool,
    collapsed: bool,
    /// `crit`, `late`, `done` ... classes for the bar.
    classes: String,
    x: f64,
    w: f64,
    done_w: f64,
    /// Diamond corners for milestones.
    diamond: String,
    tip: String,
    side_text: String,
    deadline_x: Option<f64>,
    overrun: Option<Span>,
    /// The thin bar of the baseline's dates under the task.
    baseline: Option<Span>,
}

struct Arrow {
    from: usize,
    to: usize,
    x1: f64,
    x2: f64,
    d: String,
    crit: bool,
}

struct TaskLine {
    path: String,
    title: String,
    href: Option<String>,
    depth: u32,
    kind: &'static str,
    critical: bool,
    late: bool,
    overrun: Option<String>,
    issues: Vec<String>,
    start: String,
    end: String,
    effort: String,
    assignees: String,
    slack: String,
    negative_slack: bool,
    progress: String,
    progress_pct: f64,
    cost: String,
    /// Start and end against the baseline, in working days.
    start_variance: String,
    end_variance: String,
    /// Later than the baseline.
    slipped: bool,
}

struct ResourceLine {
    name: String,
    role: String,
    booked: String,
    utilisation: String,
    cost: String,
    cells: Vec<LoadCell>,
    over: bool,
}

struct LoadCell {
    level: &'static str,
    tip: String,
}

struct BudgetLine {
    title: String,
    cost: String,
    budget: String,
    pct: f64,
    over: bool,
}

struct RiskLine {
    title: String,
    id: String,
    chance: String,
    impact: String,
    exposure: String,
    affects: String,
    owner: String,
    response: String,
    open: bool,
}

struct IssueLine {
    title: String,
    id: String,
    severity: &'static str,
    open: bool,
    raised: String,
    owner: String,
    affects: String,
    text: String,
}

/// The HTML report of a plan.
pub fn render(view: &View) -> String {
    let report = Report {
        title: view.title.clone(),
        note: view.note.as_ref().map(|n| n.trim().to_string()),
        generated_range: format!(
            "{} – {}",
            view::date(view.start),
            view::end_date(view.start, view.end)
        ),
        kpis: kpis(view),
        chart: chart(view),
        tasks: view.rows.iter().map(|r| task_line(view, r)).collect(),
        lazy_table: view.rows.len() > LAZY_TABLE_ROWS,
        week_labels: view.weeks.iter().map(|d| view::date(d.start())).collect(),
        week_axis: week_axis(&view.weeks),
        resources: view
            .resources
            .iter()
            .map(|r| resource_line(view, r))
            .collect(),
        levelled: view.levelled,
        budgets: budgets(view),
        risks: view.risks.iter().map(|r| risk_line(view, r)).collect(),
        issues: view.issues.iter().map(issue_line).collect(),
        warnings: view.warnings.clone(),
        tracked: view.tracking.is_some(),
        baseline: view
            .tracking
            .as_ref()
            .map(|t| t.baseline.clone())
            .unwrap_or_default(),
        scurve: scurve(view),
    };
    report
        .render()
        .unwrap_or_else(|e| format!("<!doctype html><title>planc</title><p>planc could not write this report ({}); this is a bug.</p>", escape(&e.to_string())))
}

/// Escapes text for HTML outside the template (only the fallback page).
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

// ----------------------------------------------------------------- summary

fn kpis(view: &View) -> Vec<Kpi> {
    let mut out = vec![Kpi {
        label: "Finish",
        value: view::end_date(view.start, view.end),
        detail: format!("started {}", view::date(view.start)),
        tone: "",
    }];
    if let Some(deadline) = view.deadline {
        let missed = view.end > deadline;
        out.push(Kpi {
            label: "Deadline",
            value: view::deadline_date(deadline),
            detail: if missed {
                format!("missed by {}", view::calendar_span(view.end - deadline))
            } else {
                "met".to_string()
            },
            tone: if missed { "bad" } else { "ok" },
        });
    }
    out.push(Kpi {
        label: "Progress",
        value: view.progress.to_string(),
        detail: view.now.map_or_else(
            || "no status date".to_string(),
            |n| format!("status date {}", view::date(n)),
        ),
        tone: "",
    });
    let over = view.budget.is_some_and(|b| view.cost > b);
    out.push(Kpi {
        label: "Cost",
        value: view::money(view.cost, &view.currency),
        detail: view.budget.map_or_else(
            || "no budget set".to_string(),
            |b| format!("budget {}", view::money(b, &view.currency)),
        ),
        tone: match view.budget {
            Some(_) if over => "bad",
            Some(_) => "ok",
            None => "",
        },
    });
    out.extend(earned_kpis(view));
    let critical = view
        .rows
        .iter()
        .filter(|r| r.critical && r.kind == Kind::Task)
        .count();
    let counts = &view.counts;
    out.push(Kpi {
        label: "Tasks",
        value: counts.tasks.to_string(),
        detail: format!(
            "{critical} critical · {} · {}",
            view::plural(counts.groups, "group"),
            view::plural(counts.milestones, "milestone")
        ),
        tone: "",
    });
    let open_issues = view.issues.iter().filter(|i| i.open).count();
    let open_risks = view.risks.iter().filter(|r| r.open).count();
    out.push(Kpi {
        label: "Risks & issues",
        value: format!("{open_risks} / {open_issues}"),
        detail: "open risks / open issues".to_string(),
        tone: if open_issues > 0 { "warn" } else { "" },
    });
    out
}

/// Earned value on the summary cards: schedule and cost performance and
/// the forecast at completion.
fn earned_kpis(view: &View) -> Vec<Kpi> {
    let Some(f) = view.tracking.as_ref().and_then(|t| t.project) else {
        return Vec::new();
    };
    let c = &view.currency;
    let tone = |index: Option<f64>| match index {
        Some(x) if x < 0.95 => "bad",
        Some(_) => "ok",
        None => "",
    };
    let index = |x: Option<f64>| x.map_or_else(|| "–".to_string(), |x| format!("{x:.2}"));
    vec![
        Kpi {
            label: "Schedule (SPI)",
            value: index(f.spi()),
            detail: format!(
                "EV {} of PV {} · SPI(t) {}",
                view::money(f.ev, c),
                view::money(f.pv, c),
                index(f.spi_t())
            ),
            tone: tone(f.spi()),
        },
        Kpi {
            label: "Cost (CPI)",
            value: index(f.cpi()),
            detail: format!(
                "AC {} · CV {}",
                view::money(f.ac, c),
                view::money(f.cv(), c)
            ),
            tone: tone(f.cpi()),
        },
        Kpi {
            label: "Forecast (EAC)",
            value: f
                .eac()
                .map_or_else(|| "–".to_string(), |e| view::money(e, c)),
            detail: format!(
                "BAC {}{}",
                view::money(f.bac, c),
                f.vac()
                    .map_or_else(String::new, |v| format!(" · VAC {}", view::money(v, c)))
            ),
            tone: match f.vac() {
                Some(v) if v.0 < 0 => "bad",
                Some(_) => "ok",
                None => "",
            },
        },
    ]
}

// ----------------------------------------------------------------- S-curve

const CURVE_W: f64 = 720.0;
const CURVE_H: f64 = 220.0;
const CURVE_PAD: f64 = 8.0;

/// PV over the baseline, EV and AC up to the status date, on one money
/// scale.
fn scurve(view: &View) -> Option<SCurve> {
    let t = view.tracking.as_ref()?;
    let (first, last) = (t.curve.first()?, t.curve.last()?);
    let now = view.now?;
    let span = (last.at.0 - first.at.0).max(1) as f64;
    let top = t
        .curve
        .iter()
        .flat_map(|p| [Some(p.pv), p.ev, p.ac])
        .flatten()
        .map(|m| m.0)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let x = |m: crate::units::Moment| round1((m.0 - first.at.0) as f64 / span * CURVE_W);
    let y = |v: i64| round1(CURVE_H - CURVE_PAD - v as f64 / top * (CURVE_H - 2.0 * CURVE_PAD));
    let line = |pick: &dyn Fn(&crate::schedule::earned::CurvePoint) -> Option<i64>| {
        t.curve
            .iter()
            .filter_map(|p| pick(p).map(|v| format!("{},{}", x(p.at), y(v))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let levels = [0.0, 0.5, 1.0]
        .iter()
        .map(|share| {
            let v = (top * share).round() as i64;
            (y(v), view::money(crate::units::Money(v), &view.currency))
        })
        .collect();
    let caption = t.project.map_or_else(String::new, |f| {
        format!(
            "At the status date: PV {}, EV {}, AC {}.",
            view::money(f.pv, &view.currency),
            view::money(f.ev, &view.currency),
            view::money(f.ac, &view.currency)
        )
    });
    Some(SCurve {
        width: CURVE_W,
        height: CURVE_H,
        pv: line(&|p| Some(p.pv.0)),
        ev: line(&|p| p.ev.map(|m| m.0)),
        ac: line(&|p| p.ac.map(|m| m.0)),
        now_x: x(now),
        levels,
        first: view::date(first.at),
        last: view::date(last.at),
        caption,
    })
}

// ----------------------------------------------------------------- chart

/// The time scale: unit, pixels per day and how ticks are labelled.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scale {
    Days,
    Weeks,
    Months,
    Quarters,
}

impl Scale {
    fn for_length(days: i64) -> Scale {
        match days {
            ..=45 => Scale::Days,
            46..=270 => Scale::Weeks,
            271..=1100 => Scale::Months,
            _ => Scale::Quarters,
        }
    }

    fn px_per_day(self) -> f64 {
        match self {
            Scale::Days => 34.0,
            Scale::Weeks => 9.0,
            Scale::Months => 2.4,
            Scale::Quarters => 0.8,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Scale::Days => "days",
            Scale::Weeks => "weeks",
            Scale::Months => "months",
            Scale::Quarters => "quarters",
        }
    }
}

/// Maps moments to x positions.
struct Axis {
    origin: Day,
    ppd: f64,
}

impl Axis {
    fn x(&self, m: Moment) -> f64 {
        round1((m.0 - self.origin.start().0) as f64 / 1440.0 * self.ppd)
    }

    fn day_x(&self, d: Day) -> f64 {
        self.x(d.start())
    }
}

fn round1(x: f64) -> f64 {
    let r = (x * 10.0).round() / 10.0;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

fn chart(view: &View) -> Chart {
    // The chart covers the plan and the status date. A deadline far after
    // the end would stretch it with empty weeks and its line would sit off
    // the first screen, so it is drawn only within the chart and otherwise
    // named in the caption.
    let baseline_end = view.tracking.as_ref().and_then(|t| {
        t.tasks
            .iter()
            .filter_map(|k| k.baseline.map(|b| b.end))
            .max()
    });
    let last_moment = view.now.map_or(view.end, |n| n.max(view.end));
    let last_moment = baseline_end.map_or(last_moment, |b| b.max(last_moment));
    let length = (last_moment - view.start).0 / 1440 + 1;
    let scale = Scale::for_length(length);
    let first = align_down(view.start.day(), scale);
    // One more unit after the end leaves room for the text beside the last bars.
    let last = align_down(Day(last_moment.day().0 + 1), scale);
    let last = next_unit(last, scale);
    let last = next_unit(last, scale);
    let axis = Axis {
        origin: first,
        ppd: scale.px_per_day(),
    };
    let width = axis.day_x(last).max(320.0);
    let deadline_shown = view.deadline.filter(|d| *d <= last.start());
    let rows: Vec<ChartRow> = view
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| chart_row(view, &axis, i, r))
        .collect();
    let arrows = arrows(view, &rows);
    let (upper, lower) = ticks(&axis, first, last, scale);
    Chart {
        width,
        height: (rows.len() as f64 * ROW).max(ROW),
        label_width: LABEL_WIDTH,
        axis_height: AXIS,
        scale: scale.name(),
        upper,
        lower,
        shades: if matches!(scale, Scale::Days | Scale::Weeks) {
            view.closed_days
                .iter()
                .map(|&(a, b)| Span {
                    x: axis.day_x(a),
                    w: round1(axis.day_x(Day(b.0 + 1)) - axis.day_x(a)),
                })
                .collect()
        } else {
            Vec::new()
        },
        rows,
        arrows,
        now: view.now.map(|n| Marker {
            x: axis.x(n),
            label: format!("now {}", view::date(n)),
            missed: false,
        }),
        deadline: deadline_shown.map(|d| Marker {
            x: axis.x(d),
            label: format!("deadline {}", view::deadline_date(d)),
            missed: view.end > d,
        }),
        deadline_beyond: view.deadline.filter(|_| deadline_shown.is_none()).map(|d| {
            format!(
                "deadline, {}, is after the last date shown",
                view::deadline_date(d)
            )
        }),
    }
}

fn chart_row(view: &View, axis: &Axis, i: usize, r: &Row) -> ChartRow {
    let y = i as f64 * ROW;
    let cy = y + ROW / 2.0;
    let x = axis.x(r.start);
    let w = round1((axis.x(r.end) - x).max(if r.is_milestone() { 0.0 } else { 3.0 }));
    let done_w = round1(w * r.progress.as_fraction().clamp(0.0, 1.0));
    let mut classes = vec![match r.kind {
        Kind::Task => "task",
        Kind::Group => "group",
        Kind::Milestone => "ms",
    }];
    if r.critical {
        classes.push("crit");
    }
    match r.status {
        Progress::Done => classes.push("done"),
        Progress::Late => classes.push("late"),
        Progress::Active => classes.push("active"),
        Progress::Upcoming => {}
    }
    let baseline = view
        .tracking
        .as_ref()
        .and_then(|t| t.of(r))
        .and_then(|k| k.baseline)
        // Under task bars only: a group's bar is its children's span.
        .filter(|_| r.kind == Kind::Task)
        .map(|b| {
            let bx = axis.x(b.start).max(0.0);
            Span {
                x: bx,
                w: round1((axis.x(b.end) - bx).max(2.0)),
            }
        });
    let diamond = if r.is_milestone() {
        let h = 8.0;
        format!(
            "{},{} {},{} {},{} {},{}",
            x,
            cy - h,
            x + h,
            cy,
            x,
            cy + h,
            x - h,
            cy
        )
    } else {
        String::new()
    };
    ChartRow {
        index: i,
        parent: r.parent.map_or(-1, |p| p as i64),
        y,
        cy,
        indent: 14.0 + 16.0 * f64::from(r.depth.min(12)),
        label: cut(&flat(&r.title), LABEL_CHARS),
        title: flat(&r.title),
        kind: match r.kind {
            Kind::Task => "task",
            Kind::Group => "group",
            Kind::Milestone => "milestone",
        },
        group: r.is_group(),
        collapsed: r.collapsed,
        classes: classes.join(" "),
        x,
        w,
        done_w,
        diamond,
        tip: tooltip(view, r),
        side_text: side_text(r),
        deadline_x: r.deadline.map(|d| axis.x(d)),
        overrun: r.deadline.filter(|d| r.end > *d).map(|d| {
            let dx = axis.x(d).max(x);
            Span {
                x: dx,
                w: round1(axis.x(r.end) - dx),
            }
        }),
        baseline,
    }
}

/// Assignees beside a bar; for a missed deadline, the overrun.
fn side_text(r: &Row) -> String {
    let mut parts: Vec<String> = Vec::new();
    if r.is_milestone() {
        parts.push(view::date(r.start));
    } else if !r.is_group() && !r.assignees.is_empty() {
        parts.push(cut(&names(&r.assignees, 3), 40));
    }
    if let Some(o) = r.overrun {
        parts.push(format!("{} late", view::calendar_span(o)));
    }
    if !r.issues.is_empty() {
        parts.push(format!(
            "⚠ {} open issue{}",
            r.issues.len(),
            if r.issues.len() == 1 { "" } else { "s" }
        ));
    }
    parts.join(" · ")
}

/// What hover and focus show: dates, effort, assignees, slack, what drove
/// the start, and open issues.
fn tooltip(view: &View, r: &Row) -> String {
    let mut lines = vec![flat(&r.title), format!("id: {}", r.path)];
    if r.is_milestone() {
        lines.push(format!("at: {}", view::date_time(r.start)));
    } else {
        lines.push(format!(
            "{} → {}",
            view::date_time(r.start),
            view::date_time(r.end)
        ));
        lines.push(format!(
            "effort: {}",
            view::work_days(r.work, view.day_minutes)
        ));
    }
    if !r.assignees.is_empty() {
        lines.push(format!("assigned: {}", names(&r.assignees, 6)));
    }
    lines.push(format!(
        "slack: {}{}",
        view::work_days(r.slack, view.day_minutes),
        if r.critical { " (critical path)" } else { "" }
    ));
    lines.push(format!("progress: {}", r.progress));
    if let Some(d) = &r.driver {
        lines.push(format!("starts after: {d}"));
    }
    if let Some(deadline) = r.deadline {
        let verdict = r.overrun.map_or_else(
            || "met".to_string(),
            |o| format!("missed by {}", view::calendar_span(o)),
        );
        lines.push(format!(
            "deadline: {} ({verdict})",
            view::deadline_date(deadline)
        ));
    }
    for &i in &r.issues {
        if let Some(issue) = view.issues.get(i) {
            lines.push(format!(
                "open issue ({}): {}",
                issue.severity.as_str(),
                flat(&issue.title)
            ));
        }
    }
    lines.join("\n")
}

/// The first `max` names, and how many more.
fn names(all: &[String], max: usize) -> String {
    let shown: Vec<&str> = all.iter().take(max).map(String::as_str).collect();
    if all.len() > max {
        format!("{} and {} more", shown.join(", "), all.len() - max)
    } else {
        shown.join(", ")
    }
}

/// Dependency arrows, routed from the predecessor's end (or start) to the
/// successor's start (or end): out to the right, down between the rows,
/// and in from the left.
fn arrows(view: &View, rows: &[ChartRow]) -> Vec<Arrow> {
    let mut out = Vec::new();
    for (to, row) in view.rows.iter().enumerate() {
        for &(from, kind) in &row.preds {
            let (Some(a), Some(b)) = (rows.get(from), rows.get(to)) else {
                continue;
            };
            let from_start = matches!(kind, DepKind::StartToStart | DepKind::StartToFinish);
            let to_end = matches!(kind, DepKind::FinishToFinish | DepKind::StartToFinish);
            let x1 = if from_start { a.x } else { a.x + a.w }
                + if a.diamond.is_empty() { 0.0 } else { 8.0 };
            let x2 =
                if to_end { b.x + b.w } else { b.x } - if b.diamond.is_empty() { 0.0 } else { 8.0 };
            let crit = view.rows.get(from).is_some_and(|r| r.critical)
                && row.critical
                && kind == DepKind::FinishToStart;
            out.push(Arrow {
                from,
                to,
                x1,
                x2,
                d: route(x1, a.cy, x2, b.cy),
                crit,
            });
        }
    }
    out
}

/// The same routing the page's script uses after collapsing groups.
fn route(x1: f64, y1: f64, x2: f64, y2: f64) -> String {
    let out = x1 + 8.0;
    if x2 - 8.0 >= out {
        format!("M{x1} {y1}H{out}V{y2}H{x2}")
    } else {
        let between = if y2 > y1 {
            y2 - ROW / 2.0
        } else {
            y2 + ROW / 2.0
        };
        format!("M{x1} {y1}H{out}V{between}H{}V{y2}H{x2}", x2 - 8.0)
    }
}

fn align_down(d: Day, scale: Scale) -> Day {
    match scale {
        Scale::Days => d,
        Scale::Weeks => Day(d.0 - d.weekday() as i64),
        Scale::Months | Scale::Quarters => {
            let Some(date) = d.to_date() else { return d };
            let month = if scale == Scale::Quarters {
                (date.month() - 1) / 3 * 3 + 1
            } else {
                date.month()
            };
            jiff::civil::Date::new(date.year(), month, 1).map_or(d, Day::from_date)
        }
    }
}

fn next_unit(d: Day, scale: Scale) -> Day {
    match scale {
        Scale::Days => Day(d.0 + 1),
        Scale::Weeks => Day(d.0 + 7),
        Scale::Months | Scale::Quarters => {
            let months = if scale == Scale::Quarters { 3 } else { 1 };
            d.to_date()
                .and_then(|date| date.checked_add(jiff::Span::new().months(months)).ok())
                .map_or(Day(d.0 + 31 * i64::from(months)), Day::from_date)
        }
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn month_name(d: Day) -> &'static str {
    d.to_date()
        .and_then(|date| MONTHS.get(usize::try_from(date.month() - 1).ok()?))
        .copied()
        .unwrap_or("")
}

/// The two tiers of the axis: months (or years) above, the scale's units
/// below.
fn ticks(axis: &Axis, first: Day, last: Day, scale: Scale) -> (Vec<Tick>, Vec<Tick>) {
    let mut lower = Vec::new();
    let mut d = first;
    while d < last && lower.len() < 5000 {
        let next = next_unit(d, scale);
        let label = match scale {
            Scale::Days => d.to_date().map(|x| x.day().to_string()).unwrap_or_default(),
            Scale::Weeks => d
                .to_date()
                .map(|x| format!("{} {}", x.day(), month_name(d)))
                .unwrap_or_default(),
            Scale::Months => month_name(d).to_string(),
            Scale::Quarters => d
                .to_date()
                .map(|x| format!("Q{}", (x.month() - 1) / 3 + 1))
                .unwrap_or_default(),
        };
        let (x, x2) = (axis.day_x(d), axis.day_x(next));
        lower.push(Tick {
            x,
            mid: round1((x + x2) / 2.0),
            label,
        });
        d = next;
    }
    let upper_scale = if matches!(scale, Scale::Days | Scale::Weeks) {
        Scale::Months
    } else {
        Scale::Quarters
    };
    let mut upper = Vec::new();
    let mut d = align_down(first, upper_scale);
    while d < last && upper.len() < 2000 {
        let next = if upper_scale == Scale::Months {
            next_unit(d, Scale::Months)
        } else {
            year_after(d)
        };
        let label = d
            .to_date()
            .map(|x| {
                if upper_scale == Scale::Months {
                    format!("{} {}", month_name(d), x.year())
                } else {
                    x.year().to_string()
                }
            })
            .unwrap_or_default();
        let x = axis.day_x(d).max(0.0);
        let x2 = axis.day_x(next).min(axis.day_x(last));
        upper.push(Tick {
            x,
            mid: round1((x + x2) / 2.0),
            label,
        });
        d = next;
    }
    (upper, lower)
}

fn year_after(d: Day) -> Day {
    d.to_date()
        .and_then(|date| jiff::civil::Date::new(date.year() + 1, 1, 1).ok())
        .map_or(Day(d.0 + 366), Day::from_date)
}

/// One line: control characters (newlines from `\n` escapes) as spaces.
fn flat(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// At most `max` characters, with an ellipsis when cut.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

// ----------------------------------------------------------------- tables

fn task_line(view: &View, r: &Row) -> TaskLine {
    let k = view.tracking.as_ref().and_then(|t| t.of(r));
    TaskLine {
        path: r.path.clone(),
        title: flat(&r.title),
        href: r.href.clone(),
        depth: r.depth.min(12),
        kind: match r.kind {
            Kind::Task => "task",
            Kind::Group => "group",
            Kind::Milestone => "milestone",
        },
        critical: r.critical && !r.is_group(),
        late: r.status == Progress::Late,
        overrun: r.overrun.map(view::calendar_span),
        issues: r
            .issues
            .iter()
            .filter_map(|&i| view.issues.get(i))
            .map(|i| format!("{} ({})", flat(&i.title), i.severity.as_str()))
            .collect(),
        start: view.start_text(r),
        end: view.end_text(r),
        effort: if r.is_milestone() {
            String::new()
        } else {
            view::work_days(r.work, view.day_minutes)
        },
        assignees: r.assignees.join(", "),
        slack: view::work_days(r.slack, view.day_minutes),
        negative_slack: r.slack.0 < 0,
        progress: r.progress.to_string(),
        progress_pct: round1(r.progress.as_fraction().clamp(0.0, 1.0) * 100.0),
        cost: view::money(r.cost, &view.currency),
        start_variance: variance_text(k.and_then(|k| k.start_variance_days)),
        end_variance: variance_text(k.and_then(|k| k.end_variance_days)),
        slipped: k.and_then(|k| k.end_variance_days).is_some_and(|d| d > 0.0),
    }
}

/// `+2d`, `-0.5d`, `0d`; empty without a baseline task.
fn variance_text(days: Option<f64>) -> String {
    match days {
        None => String::new(),
        Some(d) if d > 0.0 => format!("+{d}d"),
        Some(d) => format!("{}d", d + 0.0),
    }
}

fn resource_line(view: &View, r: &view::ResourceRow) -> ResourceLine {
    let cells = r
        .load
        .iter()
        .zip(&view.weeks)
        .map(|(&load, week)| LoadCell {
            level: load_level(load),
            // Idle weeks carry no text: a long plan has thousands of them.
            tip: if load > 0.0 {
                format!(
                    "week of {}: {}",
                    view::date(week.start()),
                    if load.is_finite() {
                        format!("{}%", (load * 100.0).round())
                    } else {
                        "booked with no working time".to_string()
                    }
                )
            } else {
                String::new()
            },
        })
        .collect();
    ResourceLine {
        name: flat(&r.name),
        role: r.role.as_deref().map(flat).unwrap_or_default(),
        booked: view::work_days(r.booked, view.day_minutes),
        utilisation: format!("{}%", (r.utilisation * 100.0).round()),
        cost: view::money(r.cost, &view.currency),
        over: r.load.iter().any(|&l| l > 1.005),
        cells,
    }
}

/// Labels over the load strips: `Feb 1` over the first week of each month
/// (and the first week), skipped when it would run into the label before.
fn week_axis(weeks: &[Day]) -> Vec<String> {
    // A label spans about four cells.
    const ROOM: usize = 4;
    let mut last: Option<usize> = None;
    weeks
        .iter()
        .enumerate()
        .map(|(i, &week)| {
            let new_month = i == 0 || month_name(week) != month_name(weeks[i - 1]);
            let room = last.is_none_or(|l| i - l >= ROOM);
            if !(new_month && room) {
                return String::new();
            }
            last = Some(i);
            let day = week.to_date().map_or(0, |d| d.day());
            format!("{} {day}", month_name(week))
        })
        .collect()
}

/// A heat class for a week's load; anything over 100% stands out.
fn load_level(load: f64) -> &'static str {
    match load {
        l if l > 1.005 => "over",
        l if l >= 0.9 => "l4",
        l if l >= 0.6 => "l3",
        l if l >= 0.3 => "l2",
        l if l > 0.0 => "l1",
        _ => "l0",
    }
}

fn budgets(view: &View) -> Vec<BudgetLine> {
    let mut out = Vec::new();
    let mut line = |title: String, cost: crate::units::Money, budget: crate::units::Money| {
        let pct = if budget.0 > 0 {
            cost.0 as f64 / budget.0 as f64 * 100.0
        } else {
            100.0
        };
        out.push(BudgetLine {
            title,
            cost: view::money(cost, &view.currency),
            budget: view::money(budget, &view.currency),
            pct: round1(pct.clamp(0.0, 999.0)),
            over: cost > budget,
        });
    };
    if let Some(b) = view.budget {
        line("Whole project".to_string(), view.cost, b);
    }
    for r in &view.rows {
        if let Some(b) = r.budget {
            line(flat(&r.title), r.cost, b);
        }
    }
    out
}

fn risk_line(view: &View, r: &view::RiskRow) -> RiskLine {
    RiskLine {
        title: flat(&r.title),
        id: r.id.clone(),
        chance: r.chance.map(|c| c.to_string()).unwrap_or_default(),
        impact: r.impact(view.day_minutes, &view.currency),
        exposure: r.exposure(view.day_minutes, &view.currency),
        affects: flat(&r.affects.join(", ")),
        owner: r.owner.as_deref().map(flat).unwrap_or_default(),
        response: r.response.as_deref().map(flat).unwrap_or_default(),
        open: r.open,
    }
}

fn issue_line(i: &view::IssueRow) -> IssueLine {
    IssueLine {
        title: flat(&i.title),
        id: i.id.clone(),
        severity: i.severity.as_str(),
        open: i.open,
        raised: i.raised.map(view::date).unwrap_or_default(),
        owner: i.owner.as_deref().map(flat).unwrap_or_default(),
        affects: flat(&i.affects.join(", ")),
        text: flat(i.text()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_follows_plan_length() {
        assert!(Scale::for_length(20) == Scale::Days);
        assert!(Scale::for_length(120) == Scale::Weeks);
        assert!(Scale::for_length(500) == Scale::Months);
        assert!(Scale::for_length(2000) == Scale::Quarters);
    }

    #[test]
    fn arrows_go_around_when_the_successor_starts_early() {
        assert_eq!(route(10.0, 14.0, 100.0, 42.0), "M10 14H18V42H100");
        assert_eq!(route(100.0, 14.0, 50.0, 42.0), "M100 14H108V28H42V42H50");
    }

    #[test]
    fn long_labels_are_cut_by_characters() {
        assert_eq!(cut("ééééé", 3), "éé…");
        assert_eq!(cut("abc", 3), "abc");
    }

    #[test]
    fn heat_levels() {
        assert_eq!(load_level(0.0), "l0");
        assert_eq!(load_level(1.0), "l4");
        assert_eq!(load_level(1.5), "over");
        assert_eq!(load_level(f64::INFINITY), "over");
    }
}
