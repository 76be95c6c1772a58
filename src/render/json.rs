//! JSON output (spec section 5): one object with a schema version, the
//! project, tasks, resources, risks, issues and diagnostics. Field order is
//! fixed by the writers below and floats are rounded, so the output is
//! byte-identical from run to run. `docs/plan.schema.json` describes it.
//!
//! The text is written field by field straight to a writer, in the layout
//! of `serde_json`'s pretty printer (two-space indent): a plan of 100k tasks
//! makes about 100 MB of JSON, and building a tree of values first, or the
//! whole text before writing it, cost more time and memory than the rest
//! of the build. Numbers and escaped strings still go through `serde_json`
//! whenever the shortcut below could differ from it. Pieces are gathered
//! in a buffer of the writer's own and handed on a megabyte at a time:
//! appending to a `Vec` costs less than ~40 `write_all` calls a task.

use crate::check::{Model, TaskKind};
use crate::diagnostic::Diagnostic;
use crate::schedule::{Bound, Driver, Schedule};
use crate::source::SourceMap;
use crate::syntax::ast::DepKind;
use crate::units::{Minutes, Moment, Money, Share};
use std::io::{self, Write};

/// The schema version; bumped only with incompatible changes.
pub const SCHEMA: &str = "planc/1";

/// Renders the schedule as pretty-printed JSON with a final newline.
pub fn render(
    model: &Model,
    schedule: &Schedule,
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
) -> String {
    let mut out = Vec::with_capacity(size_hint(model));
    if let Err(e) = write(&mut out, model, schedule, diagnostics, sources) {
        return format!("{{\"error\": \"{e}\"}}\n");
    }
    // Every piece written is a `&str` or ASCII, so this never loses text.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Writes the schedule as pretty-printed JSON with a final newline: the
/// same bytes as [`render`], without holding the whole text in memory.
pub fn write(
    out: &mut impl Write,
    model: &Model,
    schedule: &Schedule,
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
) -> io::Result<()> {
    let mut w = JsonWriter::new(out);
    w.raw(b"{\n  \"schema\": ")?;
    w.str(SCHEMA)?;
    w.raw(b",\n  \"project\": ")?;
    project(&mut w, model, schedule)?;
    w.raw(b",\n  \"tasks\": ")?;
    w.list(model.tasks.iter().enumerate(), 2, |w, (i, t)| {
        task(w, model, schedule, i, t)
    })?;
    w.raw(b",\n  \"resources\": ")?;
    let resources = model.resources.iter().zip(&schedule.resources);
    w.list(resources, 2, |w, (r, u)| resource(w, r, u))?;
    w.raw(b",\n  \"risks\": ")?;
    w.list(model.risks.iter(), 2, |w, r| risk(w, model, r))?;
    w.raw(b",\n  \"issues\": ")?;
    w.list(model.issues.iter(), 2, |w, i| issue(w, model, i))?;
    w.raw(b",\n  \"diagnostics\": ")?;
    let values: Vec<serde_json::Value> = diagnostics.iter().map(|d| d.to_json(sources)).collect();
    w.list(values.iter(), 2, |w, v| w.value(v, 4))?;
    w.raw(b"\n}\n")?;
    w.flush()
}

/// About how many bytes the output takes (a task is about 1 KB), so that
/// the buffer seldom grows; untouched capacity costs no memory.
fn size_hint(model: &Model) -> usize {
    4096 + model.tasks.len() * 1280 + model.resources.len() * 320
}

/// `"key": ` after a comma and a newline, at a fixed indent.
macro_rules! key {
    ($indent:literal, $name:literal) => {
        concat!(",\n", $indent, "\"", $name, "\": ").as_bytes()
    };
}

/// An object's opening brace and first key, at a fixed indent.
macro_rules! first_key {
    ($indent:literal, $name:literal) => {
        concat!("{\n", $indent, "\"", $name, "\": ").as_bytes()
    };
}

fn project(w: &mut JsonWriter<impl Write>, model: &Model, schedule: &Schedule) -> io::Result<()> {
    let p = &model.project;
    w.raw(first_key!("    ", "title"))?;
    w.str(&p.title)?;
    w.raw(key!("    ", "start"))?;
    w.moment(schedule.start)?;
    w.raw(key!("    ", "end"))?;
    w.moment(schedule.end)?;
    w.raw(key!("    ", "deadline"))?;
    w.opt(p.deadline, JsonWriter::moment)?;
    w.raw(key!("    ", "now"))?;
    w.opt(p.now, JsonWriter::moment)?;
    w.raw(key!("    ", "currency"))?;
    w.opt(p.currency.as_deref(), JsonWriter::str)?;
    w.raw(key!("    ", "cost"))?;
    w.f64(money(schedule.cost))?;
    w.raw(key!("    ", "budget"))?;
    w.opt(p.budget.map(money), JsonWriter::f64)?;
    w.raw(key!("    ", "levelled"))?;
    w.bool(schedule.levelled)?;
    w.raw(b"\n  }")
}

fn task(
    w: &mut JsonWriter<impl Write>,
    model: &Model,
    schedule: &Schedule,
    i: usize,
    t: &crate::check::Task,
) -> io::Result<()> {
    let s = &schedule.tasks[i];
    w.raw(first_key!("      ", "id"))?;
    w.str(&t.path)?;
    w.raw(key!("      ", "title"))?;
    w.str(t.title())?;
    w.raw(key!("      ", "kind"))?;
    w.raw(match t.kind {
        TaskKind::Leaf => b"\"task\"",
        TaskKind::Group => b"\"group\"",
        TaskKind::Milestone => b"\"milestone\"",
    })?;
    w.raw(key!("      ", "parent"))?;
    w.opt(t.parent.map(|p| &*model.task(p).path), JsonWriter::str)?;
    w.raw(key!("      ", "start"))?;
    w.moment(s.start)?;
    w.raw(key!("      ", "end"))?;
    w.moment(s.end)?;
    w.raw(key!("      ", "effort_hours"))?;
    w.f64(hours(s.work))?;
    w.raw(key!("      ", "assignments"))?;
    w.list(s.bookings.iter(), 6, |w, b| {
        w.raw(first_key!("          ", "resource"))?;
        w.str(&model.resource(b.resource).id)?;
        w.raw(key!("          ", "demand"))?;
        w.f64(round(b.demand.as_units() * 1000.0) / 1000.0)?;
        w.raw(key!("          ", "hours"))?;
        w.f64(hours(b.work))?;
        w.raw(key!("          ", "cost"))?;
        w.f64(money(b.cost))?;
        w.raw(b"\n        }")
    })?;
    w.raw(key!("      ", "dependencies"))?;
    w.list(t.dependencies.iter(), 6, |w, d| {
        w.raw(first_key!("          ", "task"))?;
        w.str(&model.task(d.target).path)?;
        w.raw(key!("          ", "type"))?;
        w.str(dep_kind(d.kind))?;
        w.raw(key!("          ", "lag_hours"))?;
        w.f64(hours(d.lag))?;
        w.raw(b"\n        }")
    })?;
    w.raw(key!("      ", "slack_hours"))?;
    w.f64(hours(s.slack))?;
    w.raw(key!("      ", "critical"))?;
    w.bool(s.critical)?;
    w.raw(key!("      ", "progress"))?;
    w.f64(share(s.progress))?;
    w.raw(key!("      ", "cost"))?;
    w.f64(money(s.cost))?;
    w.raw(key!("      ", "budget"))?;
    w.opt(t.details().budget.map(money), JsonWriter::f64)?;
    w.raw(key!("      ", "deadline"))?;
    w.opt(t.details().deadline, JsonWriter::moment)?;
    w.raw(key!("      ", "priority"))?;
    w.int(i64::from(t.priority))?;
    w.raw(key!("      ", "driver"))?;
    match s.driver {
        Some(d) => driver(w, model, d)?,
        None => w.raw(b"null")?,
    }
    w.raw(key!("      ", "tags"))?;
    w.list(t.details().tags.iter(), 6, |w, tag| w.str(tag))?;
    w.raw(key!("      ", "note"))?;
    w.opt(t.details().note.as_deref(), JsonWriter::str)?;
    w.raw(b"\n    }")
}

/// What fixed a task's start; `task` and `resource` only when they apply.
fn driver(w: &mut JsonWriter<impl Write>, model: &Model, d: Driver) -> io::Result<()> {
    let (kind, task, resource) = match d {
        Driver::ProjectStart => ("project start", None, None),
        Driver::Bound(Bound::Start) => ("fixed start", None, None),
        Driver::Bound(Bound::NotBefore) => ("not before", None, None),
        Driver::Bound(Bound::Date) => ("fixed date", None, None),
        Driver::Dependency(t, _) => ("dependency", Some(t), None),
        Driver::Resource(r, t) => ("resource", t, Some(r)),
    };
    w.raw(first_key!("        ", "kind"))?;
    w.str(kind)?;
    if let Some(t) = task {
        w.raw(key!("        ", "task"))?;
        w.str(&model.task(t).path)?;
    }
    if let Some(r) = resource {
        w.raw(key!("        ", "resource"))?;
        w.str(&model.resource(r).id)?;
    }
    w.raw(b"\n      }")
}

fn resource(
    w: &mut JsonWriter<impl Write>,
    r: &crate::check::Resource,
    u: &crate::schedule::ResourceUse,
) -> io::Result<()> {
    w.raw(first_key!("      ", "id"))?;
    w.str(&r.id)?;
    w.raw(key!("      ", "name"))?;
    w.str(&r.name)?;
    w.raw(key!("      ", "role"))?;
    w.opt(r.role.as_deref(), JsonWriter::str)?;
    w.raw(key!("      ", "units"))?;
    w.int(i64::from(r.units))?;
    w.raw(key!("      ", "capacity"))?;
    w.f64(share(r.capacity))?;
    w.raw(key!("      ", "booked_hours"))?;
    w.f64(hours(u.booked))?;
    w.raw(key!("      ", "available_hours"))?;
    w.f64(hours(u.available))?;
    w.raw(key!("      ", "utilisation"))?;
    w.f64(round(u.utilisation() * 100.0) / 100.0)?;
    w.raw(key!("      ", "cost"))?;
    w.f64(money(u.cost))?;
    w.raw(b"\n    }")
}

fn risk(w: &mut JsonWriter<impl Write>, model: &Model, r: &crate::check::Risk) -> io::Result<()> {
    w.raw(first_key!("      ", "id"))?;
    w.str(&r.id)?;
    w.raw(key!("      ", "title"))?;
    w.str(&r.title)?;
    w.raw(key!("      ", "chance"))?;
    w.opt(r.chance.map(share), JsonWriter::f64)?;
    w.raw(key!("      ", "delay_hours"))?;
    w.opt(r.delay.map(hours), JsonWriter::f64)?;
    w.raw(key!("      ", "cost"))?;
    w.opt(r.cost.map(money), JsonWriter::f64)?;
    w.raw(key!("      ", "affects"))?;
    w.list(r.affects.iter(), 6, |w, t| w.str(&model.task(*t).path))?;
    w.raw(key!("      ", "owner"))?;
    w.opt(
        r.owner.map(|o| model.resource(o).id.as_str()),
        JsonWriter::str,
    )?;
    w.raw(key!("      ", "response"))?;
    w.opt(r.response.as_deref(), JsonWriter::str)?;
    w.raw(key!("      ", "status"))?;
    w.str(r.status.as_str())?;
    w.raw(b"\n    }")
}

fn issue(w: &mut JsonWriter<impl Write>, model: &Model, i: &crate::check::Issue) -> io::Result<()> {
    w.raw(first_key!("      ", "id"))?;
    w.str(&i.id)?;
    w.raw(key!("      ", "title"))?;
    w.str(&i.title)?;
    w.raw(key!("      ", "raised"))?;
    let raised = i.raised.map(|m| {
        m.day()
            .to_date()
            .map_or_else(|| m.to_iso(), |d| d.to_string())
    });
    w.opt(raised.as_deref(), JsonWriter::str)?;
    w.raw(key!("      ", "owner"))?;
    w.opt(
        i.owner.map(|o| model.resource(o).id.as_str()),
        JsonWriter::str,
    )?;
    w.raw(key!("      ", "affects"))?;
    w.list(i.affects.iter(), 6, |w, t| w.str(&model.task(*t).path))?;
    w.raw(key!("      ", "severity"))?;
    w.str(i.severity.as_str())?;
    w.raw(key!("      ", "status"))?;
    w.str(i.status.as_str())?;
    w.raw(key!("      ", "resolution"))?;
    w.opt(i.resolution.as_deref(), JsonWriter::str)?;
    w.raw(key!("      ", "note"))?;
    w.opt(i.note.as_deref(), JsonWriter::str)?;
    w.raw(b"\n    }")
}

/// Deepest indent any list in the output is written at, plus its items.
const SPACES: &[u8] = b"                                ";

/// Slots of the date cache: tasks written in a row mostly start and end
/// on a handful of nearby days.
const DATE_CACHE: usize = 64;

/// Bytes gathered before they are handed to the writer: at least a
/// `BufWriter`'s capacity in `cli::output`, which then passes them straight
/// through instead of copying them again.
const CHUNK: usize = 1 << 20;

/// Writes JSON pieces into its buffer, handed on to `out` in chunks (see
/// [`JsonWriter::flush`]); keeps the last few dates formatted, since
/// turning a day number into a civil date is the slow part of a moment.
struct JsonWriter<'w, W: Write> {
    out: &'w mut W,
    buf: Vec<u8>,
    /// Bytes gathered past which [`JsonWriter::spill`] hands them on.
    spill_at: usize,
    dates: [(i64, [u8; 10]); DATE_CACHE],
}

impl<'w, W: Write> JsonWriter<'w, W> {
    fn new(out: &'w mut W) -> Self {
        JsonWriter {
            out,
            // Room for a chunk and the item that crosses its end.
            buf: Vec::with_capacity(CHUNK + CHUNK / 8),
            spill_at: CHUNK,
            // Day `i64::MIN` is never looked up: it is outside jiff's range.
            dates: [(i64::MIN, [0; 10]); DATE_CACHE],
        }
    }

    fn raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.buf.extend_from_slice(bytes);
        Ok(())
    }

    /// Hands a full chunk on to the writer; called between list items.
    fn spill(&mut self) -> io::Result<()> {
        if self.buf.len() >= self.spill_at {
            self.flush()?;
        }
        Ok(())
    }

    /// Hands everything gathered on to the writer (without flushing it).
    fn flush(&mut self) -> io::Result<()> {
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        Ok(())
    }

    fn bool(&mut self, b: bool) -> io::Result<()> {
        self.raw(if b { b"true" } else { b"false" })
    }

    fn int(&mut self, n: i64) -> io::Result<()> {
        let mut buf = [0u8; 20];
        let mut at = buf.len();
        let mut rest = n.unsigned_abs();
        loop {
            at -= 1;
            buf[at] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        if n < 0 {
            self.raw(b"-")?;
        }
        self.raw(&buf[at..])
    }

    /// A float as `serde_json` writes it. Whole numbers of moderate size
    /// (most hours and amounts) come out as `N.0` there too, so they skip
    /// the general algorithm.
    fn f64(&mut self, x: f64) -> io::Result<()> {
        let whole = x.fract() == 0.0 && x.abs() < 1e15;
        if whole && !(x == 0.0 && x.is_sign_negative()) {
            self.int(x as i64)?;
            return self.raw(b".0");
        }
        serde_json::to_writer(&mut self.buf, &x).map_err(io::Error::from)
    }

    /// A string, escaped as `serde_json` escapes it.
    fn str(&mut self, s: &str) -> io::Result<()> {
        if !is_plain(s.as_bytes()) {
            return serde_json::to_writer(&mut self.buf, s).map_err(io::Error::from);
        }
        self.buf.reserve(s.len() + 2);
        self.buf.push(b'"');
        self.buf.extend_from_slice(s.as_bytes());
        self.buf.push(b'"');
        Ok(())
    }

    fn opt<T>(
        &mut self,
        value: Option<T>,
        write: impl FnOnce(&mut Self, T) -> io::Result<()>,
    ) -> io::Result<()> {
        match value {
            Some(v) => write(self, v),
            None => self.raw(b"null"),
        }
    }

    /// `YYYY-MM-DDTHH:MM`, as [`Moment::to_iso`] writes it.
    fn moment(&mut self, m: Moment) -> io::Result<()> {
        let day = m.day().0;
        let slot = day.rem_euclid(DATE_CACHE as i64) as usize;
        if self.dates[slot].0 != day {
            match four_digit_year_date(m) {
                Some(date) => self.dates[slot] = (day, date),
                None => return self.str(&m.to_iso()),
            }
        }
        let minute = m.minute_of_day();
        let (h, min) = ((minute / 60) as u8, (minute % 60) as u8);
        let mut text = [0u8; 18];
        text[0] = b'"';
        text[1..11].copy_from_slice(&self.dates[slot].1);
        text[11] = b'T';
        text[12..14].copy_from_slice(&two_digits(h));
        text[14] = b':';
        text[15..17].copy_from_slice(&two_digits(min));
        text[17] = b'"';
        self.raw(&text)
    }

    /// Opens a list (`first`) or separates its next item, and indents the
    /// item one level below `indent`.
    fn item_start(&mut self, first: bool, indent: usize) -> io::Result<()> {
        self.raw(if first { b"[\n" } else { b",\n" })?;
        self.raw(&SPACES[..indent + 2])
    }

    /// `[]`, or one item a line at `indent + 2` spaces, the closing bracket
    /// at `indent`.
    fn list<T>(
        &mut self,
        items: impl Iterator<Item = T>,
        indent: usize,
        mut item: impl FnMut(&mut Self, T) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut empty = true;
        for value in items {
            self.item_start(empty, indent)?;
            item(self, value)?;
            self.spill()?;
            empty = false;
        }
        if empty {
            return self.raw(b"[]");
        }
        self.raw(b"\n")?;
        self.raw(&SPACES[..indent])?;
        self.raw(b"]")
    }

    /// A `serde_json` value pretty-printed as if nested `indent` deep.
    /// Strings in JSON hold no raw newline, so every newline starts a line.
    fn value(&mut self, v: &serde_json::Value, indent: usize) -> io::Result<()> {
        let text = serde_json::to_string_pretty(v).map_err(io::Error::from)?;
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                self.raw(b"\n")?;
                self.raw(&SPACES[..indent])?;
            }
            self.raw(line.as_bytes())?;
        }
        Ok(())
    }
}

/// Whether a string needs no escaping in JSON: no control character, quote
/// or backslash. Eight bytes at a time, as most names are a few words long.
fn is_plain(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    // Nonzero when some byte of `v` is zero (exact as a yes or no).
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        let v = u64::from_ne_bytes(w);
        // Bytes below 0x20 (`v - 0x20..` borrows there), `"` and `\`.
        let control = v.wrapping_sub(ONES * 0x20) & !v & HIGH;
        if control
            | has_zero(v ^ (ONES * u64::from(b'"')))
            | has_zero(v ^ (ONES * u64::from(b'\\')))
            != 0
        {
            return false;
        }
    }
    words
        .remainder()
        .iter()
        .all(|&b| b >= 0x20 && b != b'"' && b != b'\\')
}

/// The `YYYY-MM-DD` of a moment whose year has four digits (jiff writes
/// other years with a sign and six digits: those go the slow way).
fn four_digit_year_date(m: Moment) -> Option<[u8; 10]> {
    let date = m.day().to_date()?;
    let year = u16::try_from(date.year()).ok().filter(|y| *y <= 9999)?;
    let (month, day) = (date.month() as u8, date.day() as u8);
    let mut out = [0u8; 10];
    out[0..2].copy_from_slice(&two_digits((year / 100) as u8));
    out[2..4].copy_from_slice(&two_digits((year % 100) as u8));
    out[4] = b'-';
    out[5..7].copy_from_slice(&two_digits(month));
    out[7] = b'-';
    out[8..10].copy_from_slice(&two_digits(day));
    Some(out)
}

fn two_digits(n: u8) -> [u8; 2] {
    [b'0' + n / 10 % 10, b'0' + n % 10]
}

pub fn dep_kind(k: DepKind) -> &'static str {
    match k {
        DepKind::FinishToStart => "finish-to-start",
        DepKind::StartToStart => "start-to-start",
        DepKind::FinishToFinish => "finish-to-finish",
        DepKind::StartToFinish => "start-to-finish",
    }
}

fn round(x: f64) -> f64 {
    let r = x.round();
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// Hours with two decimals.
fn hours(m: Minutes) -> f64 {
    round(m.0 as f64 * 100.0 / 60.0) / 100.0
}

fn money(m: Money) -> f64 {
    m.as_f64()
}

/// A share as a percentage number (40% -> 40).
fn share(s: Share) -> f64 {
    s.0 as f64 / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(write: impl FnOnce(&mut JsonWriter<Vec<u8>>) -> io::Result<()>) -> String {
        let mut out = Vec::new();
        let mut w = JsonWriter::new(&mut out);
        let result = write(&mut w);
        assert!(result.and_then(|()| w.flush()).is_ok());
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn floats_are_written_as_serde_json_writes_them() {
        let mut values = vec![
            0.0,
            -0.0,
            0.5,
            -2.25,
            0.48,
            1.0 / 3.0,
            1e14,
            1e15 - 1.0,
            1e15,
            1e16,
            -1e15 + 1.0,
            1e300,
            f64::NAN,
            f64::INFINITY,
            f64::MIN_POSITIVE,
        ];
        values.extend((0..2000).map(|i| f64::from(i) * 7.0 - 500.0));
        values.extend((0..60).map(|e| 2f64.powi(e)));
        for x in values {
            let expected = serde_json::to_string(&x).unwrap_or_default();
            assert_eq!(written(|w| w.f64(x)), expected, "{x:?}");
        }
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut samples: Vec<String> = (0u8..128).map(|b| format!("a{}b", b as char)).collect();
        samples
            .extend(["", "plain", "quote \" and \\ back", "héllo ✓", "\u{7f}"].map(String::from));
        // Each byte at each place of a string long enough to be read eight
        // bytes at a time, beside multi-byte characters.
        for b in (0u8..128).chain([b'!', b'#', b'[', b']']) {
            for at in 0..17 {
                let (head, tail) = ("é".repeat(at / 4) + &"x".repeat(at % 4), "y".repeat(9));
                samples.push(format!("{head}{}{tail}", b as char));
            }
        }
        for s in samples {
            let expected = serde_json::to_string(&s).unwrap_or_default();
            assert_eq!(written(|w| w.str(&s)), expected, "{s:?}");
        }
    }

    #[test]
    fn moments_are_written_as_to_iso_writes_them() {
        let day = 24 * 60;
        let mut moments: Vec<i64> = (-3000..3000).map(|i| i * 997).collect();
        moments.extend([
            20_000 * day + 13,
            -719_528 * day,
            -719_529 * day + 5,
            2_932_896 * day + 59,
            2_932_897 * day,
            i64::from(i32::MAX) * day,
            i64::MIN / 2,
            i64::MAX / 2,
        ]);
        for m in moments {
            let m = Moment(m);
            let expected = serde_json::to_string(&m.to_iso()).unwrap_or_default();
            // Twice: the second time comes from the cache.
            assert_eq!(written(|w| w.moment(m)), expected, "{m:?}");
            assert_eq!(
                written(|w| w.moment(m).and_then(|_| w.moment(m))),
                expected.repeat(2)
            );
        }
    }

    #[test]
    fn lists_nest_like_serde_json_pretty() {
        let value = serde_json::json!({"a": [1, {"b": []}], "c": "d"});
        let text = written(|w| w.list([&value, &value].into_iter(), 2, |w, v| w.value(v, 4)));
        let expected = serde_json::to_string_pretty(&serde_json::json!({"x": [value, value]}))
            .unwrap_or_default();
        let inner = expected
            .strip_prefix("{\n  \"x\": ")
            .and_then(|t| t.strip_suffix("\n}"))
            .unwrap_or_default();
        assert_eq!(text, inner);
    }
}
