//! The HTML page: one self-contained file in the build report's style (its
//! CSS is inlined from `templates/report.css`): the histogram and S curve
//! of the end with the plan, P50, P80 and the deadline marked, a tornado
//! of the most sensitive tasks, a table per milestone, the risks and the
//! cost. No script; askama escapes every piece of user text.

use super::{
    date_rows, day, deadline, money, name, percent, plan_chance, settings_line, top_sensitive,
};
use crate::simulate::stats::{end_day, Bin};
use crate::simulate::Report;
use crate::units::{Day, Moment};
use askama::Template;

/// Size of the histogram's plot area, in pixels.
const HIST_W: f64 = 720.0;
const HIST_H: f64 = 220.0;
/// Width of the tornado's bars area and height of one of its rows.
const TORNADO_W: f64 = 360.0;
const TORNADO_ROW: f64 = 24.0;

#[derive(Template)]
#[template(path = "simulate.html")]
struct Page {
    title: String,
    settings: String,
    chance: String,
    kpis: Vec<Kpi>,
    histogram: Option<Histogram>,
    dates: Vec<DateLine>,
    tornado: Vec<TornadoBar>,
    tornado_width: f64,
    tornado_height: f64,
    risks: Vec<RiskLine>,
    /// Plan, mean, P50, P80, P95, budget, share within budget.
    cost: (String, String, String, String, String, String, String),
}

struct Kpi {
    label: &'static str,
    value: String,
    detail: String,
    tone: &'static str,
}

struct Histogram {
    width: f64,
    height: f64,
    bins: Vec<BinRect>,
    curve: String,
    marks: Vec<Mark>,
    most: u32,
    first: String,
    last: String,
    caption: String,
}

struct BinRect {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
    label: String,
}

struct Mark {
    class: &'static str,
    x: f64,
    label: String,
}

struct DateLine {
    name: String,
    plan: String,
    mean: String,
    p10: String,
    p50: String,
    p80: String,
    p90: String,
    p95: String,
    plan_met: String,
    deadline: String,
    deadline_met: String,
}

struct TornadoBar {
    name: String,
    class: &'static str,
    x: f64,
    y: f64,
    w: f64,
    value: String,
    critical: String,
}

struct RiskLine {
    id: String,
    title: String,
    occurred: String,
    impact: String,
}

pub fn render(report: &Report) -> String {
    let tornado = tornado(report);
    let page = Page {
        title: report.title.clone(),
        settings: settings_line(report),
        chance: plan_chance(report),
        kpis: kpis(report),
        histogram: histogram(report),
        dates: date_rows(report).map(date_line).collect(),
        tornado_width: TORNADO_W,
        tornado_height: tornado.len() as f64 * TORNADO_ROW,
        tornado,
        risks: report
            .risks
            .iter()
            .map(|r| RiskLine {
                id: r.id.clone(),
                title: r.title.clone(),
                occurred: percent(r.occurred),
                impact: format!("{:+.1} days", r.p80_impact_days),
            })
            .collect(),
        cost: cost(report),
    };
    page.render()
        .unwrap_or_else(|e| format!("<!doctype html><p>cannot render the page: {e}</p>\n"))
}

fn kpis(report: &Report) -> Vec<Kpi> {
    let e = &report.end;
    let mut kpis = vec![
        Kpi {
            label: "Plan's end",
            value: day(e.deterministic),
            detail: format!("{} chance", percent(e.deterministic_probability)),
            tone: if e.deterministic_probability >= 0.5 {
                "ok"
            } else {
                "warn"
            },
        },
        Kpi {
            label: "P50 end",
            value: day(e.p50),
            detail: "as likely early as late".to_string(),
            tone: "",
        },
        Kpi {
            label: "P80 end",
            value: day(e.p80),
            detail: "80% finish by then".to_string(),
            tone: "",
        },
    ];
    if let (Some(when), Some(p)) = (e.deadline, e.deadline_probability) {
        kpis.push(Kpi {
            label: "Deadline",
            value: deadline(when),
            detail: format!("met in {}", percent(p)),
            tone: if p >= 0.8 { "ok" } else { "bad" },
        });
    }
    kpis
}

/// Bars of the end's histogram, its cumulative curve and the marks, on one
/// day scale that also takes in the plan's date, and the deadline when it
/// is near enough not to squeeze the bars.
fn histogram(report: &Report) -> Option<Histogram> {
    let (first_bin, last_bin) = (report.histogram.first()?, report.histogram.last()?);
    let e = &report.end;
    let plan_day = end_day(e.deterministic);
    let mut first = first_bin.first.min(plan_day);
    let mut last = last_bin.last.max(plan_day);
    let span = last.0 - first.0 + 1;
    let deadline_day = e.deadline.map(end_day);
    let deadline_shown = deadline_day.filter(|d| d.0 >= first.0 - span && d.0 <= last.0 + span);
    if let Some(d) = deadline_shown {
        first = first.min(d);
        last = last.max(d);
    }
    let days = (last.0 - first.0 + 1) as f64;
    let x = |d: Day| round1((d.0 - first.0) as f64 / days * HIST_W);
    let most = report
        .histogram
        .iter()
        .map(|b| b.count)
        .max()
        .unwrap_or(1)
        .max(1);
    let total = report.iterations.max(1) as f64;
    let bins = report
        .histogram
        .iter()
        .map(|b| bin_rect(b, &x, most))
        .collect();
    let mut seen = 0u64;
    let mut curve = vec![format!("{},{}", x(first_bin.first), HIST_H)];
    for b in &report.histogram {
        seen += u64::from(b.count);
        let share = seen as f64 / total;
        curve.push(format!(
            "{},{}",
            x(Day(b.last.0 + 1)),
            round1(HIST_H - share * HIST_H)
        ));
    }
    let mark = |class, m: Moment, what: &str| Mark {
        class,
        x: x(Day(end_day(m).0)) + round1(HIST_W / days / 2.0),
        label: format!("{what}: {}", day(m)),
    };
    let mut marks = vec![
        mark("plan", e.deterministic, "Plan"),
        mark("p50", e.p50, "P50"),
        mark("p80", e.p80, "P80"),
    ];
    if let (Some(when), Some(_)) = (e.deadline, deadline_shown) {
        marks.push(Mark {
            class: "dl",
            x: x(Day(end_day(when).0 + 1)),
            label: format!("Deadline: {}", deadline(when)),
        });
    }
    let beyond = match (e.deadline, deadline_shown, e.deadline_probability) {
        (Some(when), None, Some(p)) => format!(
            " The deadline, {}, is off the chart; it is met in {}.",
            deadline(when),
            percent(p)
        ),
        _ => String::new(),
    };
    Some(Histogram {
        width: HIST_W,
        height: HIST_H,
        bins,
        curve: curve.join(" "),
        marks,
        most,
        first: crate::render::view::date(first.start()),
        last: crate::render::view::date(last.start()),
        caption: format!(
            "{} iterations; each bar counts the iterations that end on its {}. The line is the share finished by then.{beyond}",
            report.iterations,
            if first_bin.first == first_bin.last { "day" } else { "days" }
        ),
    })
}

fn bin_rect(b: &Bin, x: &dyn Fn(Day) -> f64, most: u32) -> BinRect {
    let h = round1(f64::from(b.count) / f64::from(most) * (HIST_H - 10.0));
    let (x0, x1) = (x(b.first), x(Day(b.last.0 + 1)));
    let days = if b.first == b.last {
        crate::render::view::date(b.first.start())
    } else {
        format!(
            "{} to {}",
            crate::render::view::date(b.first.start()),
            crate::render::view::date(b.last.start())
        )
    };
    BinRect {
        x: x0,
        y: round1(HIST_H - h),
        w: round1((x1 - x0 - 1.0).max(1.0)),
        h,
        label: format!("{days}: {} iterations", b.count),
    }
}

fn date_line(d: &crate::simulate::DateStats) -> DateLine {
    DateLine {
        name: name(d).to_string(),
        plan: day(d.deterministic),
        mean: day(d.mean),
        p10: day(d.p10),
        p50: day(d.p50),
        p80: day(d.p80),
        p90: day(d.p90),
        p95: day(d.p95),
        plan_met: percent(d.deterministic_probability),
        deadline: d.deadline.map_or_else(|| "–".to_string(), deadline),
        deadline_met: d
            .deadline_probability
            .map_or_else(|| "–".to_string(), percent),
    }
}

fn tornado(report: &Report) -> Vec<TornadoBar> {
    let half = TORNADO_W / 2.0;
    top_sensitive(report)
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            let w = round1(t.sensitivity.abs() * half);
            TornadoBar {
                name: t.id.clone(),
                class: if t.sensitivity >= 0.0 { "pos" } else { "neg" },
                x: if t.sensitivity >= 0.0 {
                    half
                } else {
                    round1(half - w)
                },
                y: i as f64 * TORNADO_ROW,
                w,
                value: format!("{:+.2}", t.sensitivity),
                critical: percent(t.criticality),
            }
        })
        .collect()
}

fn cost(report: &Report) -> (String, String, String, String, String, String, String) {
    let c = &report.cost;
    (
        money(report, c.deterministic),
        money(report, c.mean),
        money(report, c.p50),
        money(report, c.p80),
        money(report, c.p95),
        c.budget
            .map_or_else(|| "–".to_string(), |b| money(report, b)),
        c.budget_probability
            .map_or_else(|| "–".to_string(), percent),
    )
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}
