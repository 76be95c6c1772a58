//! `planc watch`: build once, then rebuild on every save of the plan or of
//! any file it includes, until Ctrl-C.
//!
//! Editors save in many ways (in place, a temporary file renamed over the
//! plan, delete and re-create), so planc watches the *folders* that hold
//! the plan's files, not the files, and keeps only the events about files
//! the plan consists of or includes; swap files, backups and planc's own
//! output are ignored that way. The set of files follows the includes after
//! every build, including includes that do not exist yet. A broken save
//! prints its diagnostics and leaves the last good output in place; nothing
//! the user does to the plan stops the watcher.

use super::build::{load_and_compile, render_compiled, resolve_format, write_output, Settings};
use super::check::print_diagnostics;
use super::editor_links::EditorLinks;
use super::output::check_not_input;
use super::serve::Preview;
use super::{exit, interrupt, report, MessageFormat, WatchArgs};
use crate::render::Format;
use crate::syntax::ast::TopItem;
use crate::{Compiled, LoadError, Loaded};
use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How often the loop looks up from waiting for events to see whether
/// Ctrl-C was pressed.
const POLL: Duration = Duration::from_millis(100);

/// How often folders that vanished (or never existed) are looked for again.
const RECHECK: Duration = Duration::from_secs(1);

/// The longest the notify debouncer holds an event: long enough to pair
/// the halves of a rename, short enough to leave the rest of `--debounce`
/// to planc's own quiet period.
const NOTIFY_DELAY: Duration = Duration::from_millis(20);

/// Files that keep changing still get a rebuild this often.
const LONGEST_WAIT: Duration = Duration::from_secs(1);

pub fn run(args: &WatchArgs) -> u8 {
    match start(args) {
        Ok((mut session, events)) => session.watch_until_interrupted(&events),
        Err(message) => {
            say!("planc: {message}");
            exit::USAGE
        }
    }
}

/// Checks the arguments, starts the preview server and the file watcher.
fn start(args: &WatchArgs) -> Result<(Session, Receiver<DebounceEventResult>), String> {
    let plan = args.common.file.clone();
    if plan.as_os_str() == "-" {
        return Err(
            "`planc watch` needs a file to watch; for standard input use `planc build -`".into(),
        );
    }
    if args.output.as_deref() == Some(Path::new("-")) {
        return Err(
            "`planc watch` writes a file on every save; name one with `-o`, or use `planc build -o -` for standard output".into(),
        );
    }
    // Without `-o` only the preview is built, and that is HTML.
    let format = match &args.output {
        Some(out) => {
            check_not_input(out, &crate::source::SourceMap::new())?;
            resolve_format(args.format, Some(out))?
        }
        None => Format::Html,
    };
    let preview = args.serve.map(Preview::start).transpose()?;
    let (sender, events) = mpsc::channel();
    let debounce = Duration::from_millis(args.debounce);
    let notify_delay = NOTIFY_DELAY.min(debounce);
    // A fine tick keeps the delay close to what was asked for.
    let tick = (notify_delay / 4).max(Duration::from_millis(1));
    let debouncer = new_debouncer(notify_delay, Some(tick), sender)
        .map_err(|e| format!("cannot watch files: {e}"))?;
    let root = resolve(&plan);
    let base = root.parent().map(Path::to_path_buf).unwrap_or_default();
    say!(
        "planc: watching `{}` and its includes; press Ctrl-C to stop",
        plan.display()
    );
    if let Some(preview) = &preview {
        let addr = preview.addr();
        say!("planc: serving the report at http://{addr}/");
        if !addr.ip().is_loopback() {
            say!("planc: warning: {addr} is not a loopback address; other machines may be able to read the report");
        }
    }
    let session = Session {
        plan,
        root,
        base,
        settings: Settings::new(&args.common, args.depth).with_times(args.times),
        format,
        output: args.output.clone(),
        preview,
        editor: args.editor.clone(),
        watch: Watch {
            debouncer,
            watched: BTreeSet::new(),
            missing: BTreeSet::new(),
            files: BTreeSet::new(),
        },
        shown_warnings: Vec::new(),
        waiting: false,
        quiet: debounce.saturating_sub(notify_delay),
    };
    Ok((session, events))
}

/// One `planc watch` run: what to build, where to put it, what is watched.
struct Session {
    /// The plan as the user named it (for messages and loading).
    plan: PathBuf,
    /// The plan's absolute path, its folder resolved (to match events).
    root: PathBuf,
    /// The plan's folder; changed files are named relative to it.
    base: PathBuf,
    settings: Settings,
    format: Format,
    output: Option<PathBuf>,
    preview: Option<Preview>,
    /// `--editor`: the preview's task names link to the plan's text.
    editor: Option<EditorLinks>,
    watch: Watch,
    /// The warnings last printed, so unchanged warnings are not repeated.
    shown_warnings: Vec<String>,
    /// The plan was missing at the last build.
    waiting: bool,
    /// How long no file may change before a rebuild starts.
    quiet: Duration,
}

impl Session {
    fn watch_until_interrupted(&mut self, events: &Receiver<DebounceEventResult>) -> u8 {
        self.rebuild("first build");
        let mut last_recheck = Instant::now();
        let mut pending = Pending::default();
        // planc's own output is never a reason to rebuild.
        let output = self.output.as_deref().map(resolve);
        loop {
            if interrupt::requested() {
                say!("planc: stopped watching");
                return exit::OK;
            }
            let wait = pending.due(self.quiet).map_or(POLL, |due| {
                due.saturating_duration_since(Instant::now()).min(POLL)
            });
            match events.recv_timeout(wait) {
                Ok(batch) => {
                    // Saves that land while a build runs queue up here and
                    // make the next rebuild.
                    let mut changed = self.watch.changed(batch);
                    changed.retain(|p| Some(p) != output.as_ref());
                    pending.add(changed);
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    say!("planc: the file watcher stopped unexpectedly");
                    return exit::USAGE;
                }
            }
            if pending
                .due(self.quiet)
                .is_some_and(|due| Instant::now() >= due)
            {
                let changed = pending.take();
                let what = self.describe(&changed);
                self.rebuild(&what);
            }
            if last_recheck.elapsed() >= RECHECK {
                last_recheck = Instant::now();
                let came_back = self.watch.recheck_folders();
                if came_back || (self.waiting && self.root.is_file()) {
                    self.rebuild("a watched file appeared");
                }
            }
        }
    }

    /// "plan.plan changed", "people.plan removed", "plan.plan and 2 other files changed".
    fn describe(&self, changed: &BTreeSet<PathBuf>) -> String {
        let Some(first) = changed.iter().next() else {
            return "nothing changed".into();
        };
        let name = first
            .strip_prefix(&self.base)
            .unwrap_or(first)
            .display()
            .to_string();
        match changed.len() {
            1 if !first.exists() => format!("{name} removed"),
            1 => format!("{name} changed"),
            2 => format!("{name} and 1 other file changed"),
            n => format!("{name} and {} other files changed", n - 1),
        }
    }

    /// Builds, writes, updates the preview and the watched set, and prints
    /// one status line.
    fn rebuild(&mut self, what: &str) {
        let started = Instant::now();
        let preview = self.preview.as_ref().map(|_| self.editor.as_ref());
        let result = build_once(
            &self.plan,
            &self.settings,
            self.format,
            self.output.as_deref(),
            preview,
        );
        let outcome = match result {
            Err(e) => self.on_unreadable(&e),
            Ok(build) => {
                self.waiting = false;
                self.watch.track(tracked_files(&build.loaded, &self.root));
                self.on_built(&build, started.elapsed())
            }
        };
        say!("[{}] {what}: {outcome}", clock());
    }

    fn on_unreadable(&mut self, e: &LoadError) -> String {
        // A missing plan is looked for every second; an unreadable one
        // (permissions) waits for an event, so as not to repeat itself.
        self.waiting = e.source.kind() == std::io::ErrorKind::NotFound;
        // Keep watching what the plan consisted of, and its own folder.
        let mut files = self.watch.files.clone();
        files.insert(self.root.clone());
        self.watch.track(files);
        if let Some(preview) = &self.preview {
            preview.show_problems("cannot read the plan".into(), e.to_string());
        }
        format!(
            "cannot read `{}` ({}); waiting for it",
            self.plan.display(),
            e.source
        )
    }

    fn on_built(&mut self, build: &Build, took: Duration) -> String {
        let diags = &build.compiled.diagnostics;
        let summary = report::summary(diags.error_count(), diags.warning_count());
        if diags.has_errors() {
            print_diagnostics(diags.iter(), &build.loaded, MessageFormat::Human);
            // Once fixed, the warnings are news again.
            self.shown_warnings.clear();
            if let Some(preview) = &self.preview {
                let text: Vec<String> = diags
                    .iter()
                    .map(|d| report::plain(d, &build.loaded.sources))
                    .collect();
                preview.show_problems(summary.clone(), text.join("\n"));
            }
            return format!("{summary}; kept the last good output");
        }
        let warnings: Vec<String> = diags
            .iter()
            .map(|d| report::plain(d, &build.loaded.sources))
            .collect();
        if warnings != self.shown_warnings {
            print_diagnostics(diags.iter(), &build.loaded, MessageFormat::Human);
            self.shown_warnings = warnings;
        }
        if let (Some(preview), Some(html)) = (&self.preview, &build.html) {
            preview.show_report(html.clone());
        }
        let took = format!("built in {} ms, {summary}", took.as_millis());
        match &build.written {
            Some(Err(message)) => format!("{took}; {message}; will retry on the next change"),
            _ => took,
        }
    }
}

/// Changed files waiting for the quiet period to end: a burst of saves
/// makes one rebuild.
#[derive(Default)]
struct Pending {
    files: BTreeSet<PathBuf>,
    first: Option<Instant>,
    last: Option<Instant>,
}

impl Pending {
    fn add(&mut self, changed: BTreeSet<PathBuf>) {
        if changed.is_empty() {
            return;
        }
        let now = Instant::now();
        self.first.get_or_insert(now);
        self.last = Some(now);
        self.files.extend(changed);
    }

    /// When to rebuild: `quiet` after the last change, but no later than
    /// [`LONGEST_WAIT`] after the first; `None` when nothing changed.
    fn due(&self, quiet: Duration) -> Option<Instant> {
        Some((self.last? + quiet).min(self.first? + LONGEST_WAIT))
    }

    fn take(&mut self) -> BTreeSet<PathBuf> {
        self.first = None;
        self.last = None;
        std::mem::take(&mut self.files)
    }
}

/// What one build produced.
struct Build {
    loaded: Loaded,
    compiled: Compiled,
    /// The HTML report for the preview, when asked for and the plan is good.
    html: Option<String>,
    /// Writing `-o`: `None` when there is no `-o` or nothing to write.
    written: Option<Result<(), String>>,
}

/// Load, compile, render, write atomically: the work of one rebuild.
/// `preview` is `Some` when the HTML preview is served, with the editor
/// links of its task names if there are any.
fn build_once(
    plan: &Path,
    settings: &Settings,
    format: Format,
    output: Option<&Path>,
    preview: Option<Option<&EditorLinks>>,
) -> Result<Build, LoadError> {
    let (loaded, compiled) = load_and_compile(plan, settings)?;
    let mut html = None;
    let mut written = None;
    if let Some(out) = output {
        if let Some(text) = render_compiled(format, &loaded, &compiled, settings) {
            let result =
                check_not_input(out, &loaded.sources).and_then(|()| write_output(out, &text));
            written = Some(result);
            if format == Format::Html {
                html = Some(text);
            }
        }
    }
    match preview {
        Some(Some(links)) => {
            let link = |span| links.link(&loaded.sources, span);
            html = crate::render_html_linked(
                &loaded,
                &compiled,
                settings.depth,
                settings.style,
                &link,
            );
        }
        Some(None) if html.is_none() => {
            html = render_compiled(Format::Html, &loaded, &compiled, settings);
        }
        _ => {}
    }
    Ok(Build {
        loaded,
        compiled,
        html,
        written,
    })
}

/// The files a rebuild must follow: the plan itself, every file it loaded,
/// and every file an include names, found or not (so that creating it is
/// noticed).
fn tracked_files(loaded: &Loaded, root: &Path) -> BTreeSet<PathBuf> {
    let mut files = BTreeSet::from([root.to_path_buf()]);
    for (id, file) in &loaded.files {
        let Some(path) = loaded.sources.get(*id).and_then(|f| f.path.as_deref()) else {
            continue;
        };
        files.insert(path.to_path_buf());
        let dir = path.parent().unwrap_or(Path::new(""));
        for item in &file.items {
            if let TopItem::Include(include) = item {
                files.insert(resolve(&dir.join(&include.path.value)));
            }
        }
    }
    files
}

/// An absolute path with its folder resolved (symbolic links, `..`) but
/// not the file itself, which may be missing or a link: that is the path
/// file events name.
fn resolve(path: &Path) -> PathBuf {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let folder = std::fs::canonicalize(&parent)
        .or_else(|_| std::path::absolute(&parent))
        .unwrap_or(parent);
    match path.file_name() {
        Some(name) => folder.join(name),
        None => folder,
    }
}

/// The file watcher and what it watches.
struct Watch {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    /// Folders watched now.
    watched: BTreeSet<PathBuf>,
    /// Folders wanted but missing (or unwatchable); looked for again every
    /// [`RECHECK`].
    missing: BTreeSet<PathBuf>,
    /// The files whose changes trigger a rebuild.
    files: BTreeSet<PathBuf>,
}

impl Watch {
    /// Follows exactly these files from now on, watching their folders.
    fn track(&mut self, files: BTreeSet<PathBuf>) {
        let folders: BTreeSet<PathBuf> = files
            .iter()
            .filter_map(|f| f.parent().map(Path::to_path_buf))
            .collect();
        for gone in self
            .watched
            .difference(&folders)
            .cloned()
            .collect::<Vec<_>>()
        {
            // The folder may already be gone; nothing to undo then.
            let _ = self.debouncer.unwatch(&gone);
            self.watched.remove(&gone);
        }
        self.missing.retain(|f| folders.contains(f));
        for folder in folders {
            if !self.watched.contains(&folder) {
                self.start_watching(folder);
            }
        }
        self.files = files;
    }

    fn start_watching(&mut self, folder: PathBuf) -> bool {
        match self.debouncer.watch(&folder, RecursiveMode::NonRecursive) {
            Ok(()) => {
                self.missing.remove(&folder);
                self.watched.insert(folder);
                true
            }
            Err(_) => {
                self.missing.insert(folder);
                false
            }
        }
    }

    /// Notices watched folders that were deleted and missing ones that now
    /// exist; true when one came (back), as files in it may be new.
    fn recheck_folders(&mut self) -> bool {
        let vanished: Vec<PathBuf> = self
            .watched
            .iter()
            .filter(|f| !f.is_dir())
            .cloned()
            .collect();
        for folder in vanished {
            let _ = self.debouncer.unwatch(&folder);
            self.watched.remove(&folder);
            self.missing.insert(folder);
        }
        let candidates: Vec<PathBuf> = self
            .missing
            .iter()
            .filter(|f| f.is_dir())
            .cloned()
            .collect();
        let mut came_back = false;
        for folder in candidates {
            came_back |= self.start_watching(folder);
        }
        came_back
    }

    /// The tracked files a batch of events is about. Reads (planc's own
    /// included) are not changes; a rescan may have missed anything.
    fn changed(&self, result: DebounceEventResult) -> BTreeSet<PathBuf> {
        let events = match result {
            Ok(events) => events,
            Err(errors) => {
                for e in errors {
                    say!("planc: while watching: {e}");
                }
                return BTreeSet::new();
            }
        };
        let mut changed = BTreeSet::new();
        for event in events {
            if event.need_rescan() {
                return self.files.clone();
            }
            if !is_change(&event.kind) {
                continue;
            }
            changed.extend(
                event
                    .paths
                    .iter()
                    .filter(|p| self.files.contains(*p))
                    .cloned(),
            );
        }
        changed
    }
}

/// Whether an event kind can mean new content: anything but opening,
/// reading and closing without writing.
fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// The wall-clock time for status lines.
fn clock() -> String {
    jiff::Zoned::now().strftime("%H:%M:%S").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_a_file_is_not_a_change() {
        assert!(!is_change(&EventKind::Access(AccessKind::Open(
            notify::event::AccessMode::Any
        ))));
        assert!(!is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(is_change(&EventKind::Remove(
            notify::event::RemoveKind::File
        )));
    }

    #[test]
    fn a_burst_is_due_once_quiet_after_its_last_change() {
        let quiet = Duration::from_millis(100);
        let mut pending = Pending::default();
        assert!(pending.due(quiet).is_none());
        pending.add(BTreeSet::from([PathBuf::from("a.plan")]));
        let first_due = pending.due(quiet).unwrap();
        std::thread::sleep(Duration::from_millis(5));
        pending.add(BTreeSet::from([PathBuf::from("b.plan")]));
        assert!(
            pending.due(quiet).unwrap() > first_due,
            "a later save postpones the rebuild"
        );
        pending.add(BTreeSet::new());
        assert_eq!(pending.take().len(), 2);
        assert!(pending.due(quiet).is_none());
    }

    #[test]
    fn files_that_never_settle_still_rebuild() {
        let mut pending = Pending::default();
        pending.add(BTreeSet::from([PathBuf::from("a.plan")]));
        let due = pending.due(Duration::from_secs(60)).unwrap();
        assert!(due <= Instant::now() + LONGEST_WAIT);
    }

    #[test]
    fn resolve_keeps_the_file_name_of_a_missing_file() {
        let dir = std::env::temp_dir();
        let resolved = resolve(&dir.join("no-such-plan-here.plan"));
        assert_eq!(
            resolved.file_name().and_then(|n| n.to_str()),
            Some("no-such-plan-here.plan")
        );
        assert!(resolved.is_absolute());
    }

    #[test]
    fn includes_are_tracked_whether_or_not_they_exist() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("main.plan");
        std::fs::write(
            &root,
            "include \"parts/people.plan\"\nproject \"P\" { start 2027-01-04 }\n",
        )
        .unwrap();
        let loaded = crate::load(&root, &crate::LoadOptions::default()).unwrap();
        let files = tracked_files(&loaded, &resolve(&root));
        let folder = std::fs::canonicalize(dir.path()).unwrap();
        assert!(files.contains(&folder.join("main.plan")), "{files:?}");
        assert!(
            files.contains(&folder.join("parts").join("people.plan")),
            "{files:?}"
        );
    }
}
