//! `planc watch` as users run it: a child process in a temporary folder,
//! changed with real file operations the way editors save. Every wait polls
//! with a deadline; every child is killed when its test ends.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a change may take to show up in the output.
const CHANGE_DEADLINE: Duration = Duration::from_secs(2);
/// The first build also pays for process start-up on a busy machine.
const START_DEADLINE: Duration = Duration::from_secs(20);

/// A running `planc watch`, killed when dropped.
struct Watcher {
    child: Child,
    stderr: Arc<Mutex<Vec<String>>>,
}

impl Watcher {
    fn start(dir: &Path, args: &[&str]) -> Watcher {
        let mut command = Command::new(env!("CARGO_BIN_EXE_planc"));
        command.arg("watch").args(args);
        Watcher::spawn(command, dir)
    }

    /// Starts `planc watch` allowed at most `limit` open files, like a
    /// process that has run out of them.
    fn start_with_open_file_limit(dir: &Path, limit: u32, args: &[&str]) -> Watcher {
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(format!("ulimit -n {limit} && exec \"$0\" watch \"$@\""))
            .arg(env!("CARGO_BIN_EXE_planc"))
            .args(args);
        Watcher::spawn(command, dir)
    }

    fn spawn(mut command: Command, dir: &Path) -> Watcher {
        let mut child = command
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("planc starts");
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let pipe = child.stderr.take().expect("stderr is piped");
        let lines = Arc::clone(&stderr);
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                lines.lock().unwrap().push(line);
            }
        });
        Watcher { child, stderr }
    }

    /// The one-line rebuild reports seen so far (`[HH:MM:SS] ...`).
    fn status_lines(&self) -> Vec<String> {
        self.stderr
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.starts_with('['))
            .cloned()
            .collect()
    }

    fn stderr_text(&self) -> String {
        self.stderr.lock().unwrap().join("\n")
    }

    /// Waits for the `n`th status line and returns it.
    fn wait_for_status(&self, n: usize, deadline: Duration) -> String {
        let lines = wait_until(deadline, || {
            let lines = self.status_lines();
            (lines.len() >= n).then_some(lines)
        });
        match lines {
            Some(lines) => lines[n - 1].clone(),
            None => panic!(
                "no status line {n} within {deadline:?}; stderr:\n{}",
                self.stderr_text()
            ),
        }
    }

    fn assert_alive(&mut self) {
        let status = self.child.try_wait().expect("the child can be polled");
        assert!(
            status.is_none(),
            "planc watch exited ({status:?}); stderr:\n{}",
            self.stderr_text()
        );
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `check` every few milliseconds until it returns something or the
/// deadline passes.
fn wait_until<T>(deadline: Duration, mut check: impl FnMut() -> Option<T>) -> Option<T> {
    let end = Instant::now() + deadline;
    loop {
        if let Some(found) = check() {
            return Some(found);
        }
        if Instant::now() >= end {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// Waits until `path` contains `needle`, then returns its text.
fn wait_for_output(watcher: &Watcher, path: &Path, needle: &str, deadline: Duration) -> String {
    match wait_until(deadline, || Some(read(path)).filter(|t| t.contains(needle))) {
        Some(text) => text,
        None => panic!(
            "`{}` did not come to contain {needle:?} within {deadline:?}; it holds:\n{}\nstderr:\n{}",
            path.display(),
            read(path),
            watcher.stderr_text()
        ),
    }
}

/// A small plan. It books no resources: levelling is slow in a debug
/// build, and these tests are about watching, not scheduling.
fn plan(title: &str) -> String {
    format!(
        "project \"{title}\" {{ start 2027-01-04 }}\n\
         resource ann \"Ann\" {{ rate 500/d }}\n\
         task design \"Design\" {{ duration 3d }}\n\
         task build \"Build\" {{ after design  duration 5d }}\n"
    )
}

/// Writes over the file itself, as editors that save in place do.
fn write_in_place(path: &Path, text: &str) {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(path)
        .unwrap();
    file.write_all(text.as_bytes()).unwrap();
    file.sync_all().unwrap();
}

/// Writes a temporary file and renames it over the target, as vim, VS Code
/// and JetBrains IDEs do.
fn write_by_rename(path: &Path, text: &str) {
    let temp = path.with_extension("plan.tmp-save");
    std::fs::write(&temp, text).unwrap();
    std::fs::rename(&temp, path).unwrap();
}

struct Folder {
    dir: tempfile::TempDir,
}

impl Folder {
    fn new() -> Folder {
        Folder {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, text).unwrap();
        path
    }
}

/// A folder with `plan.plan` titled "First", watched into `out.json`, after
/// the first build.
fn watched_plan() -> (Folder, Watcher, PathBuf, PathBuf) {
    let folder = Folder::new();
    let plan_path = folder.write("plan.plan", &plan("First"));
    let watcher = Watcher::start(folder.dir.path(), &["plan.plan", "-o", "out.json"]);
    let out = folder.path("out.json");
    let first = watcher.wait_for_status(1, START_DEADLINE);
    assert!(first.contains("built in"), "{first}");
    wait_for_output(&watcher, &out, "First", CHANGE_DEADLINE);
    (folder, watcher, plan_path, out)
}

#[test]
fn an_in_place_write_rebuilds() {
    let (_folder, watcher, plan_path, out) = watched_plan();
    write_in_place(&plan_path, &plan("Second"));
    wait_for_output(&watcher, &out, "Second", CHANGE_DEADLINE);
    let line = watcher.wait_for_status(2, CHANGE_DEADLINE);
    assert!(line.contains("plan.plan changed: built in"), "{line}");
}

#[test]
fn an_atomic_rename_rebuilds_and_keeps_rebuilding() {
    let (_folder, watcher, plan_path, out) = watched_plan();
    write_by_rename(&plan_path, &plan("Renamed once"));
    wait_for_output(&watcher, &out, "Renamed once", CHANGE_DEADLINE);
    // The watch must survive the old file being replaced.
    write_by_rename(&plan_path, &plan("Renamed twice"));
    wait_for_output(&watcher, &out, "Renamed twice", CHANGE_DEADLINE);
}

#[test]
fn vim_style_backup_then_new_file_rebuilds() {
    let (folder, watcher, plan_path, out) = watched_plan();
    // vim with `backupcopy=no`: move the plan to a backup, write a new one.
    std::fs::rename(&plan_path, folder.path("plan.plan~")).unwrap();
    std::fs::write(&plan_path, plan("After vim")).unwrap();
    wait_for_output(&watcher, &out, "After vim", CHANGE_DEADLINE);
}

#[test]
fn editing_an_included_file_rebuilds() {
    let folder = Folder::new();
    folder.write(
        "main.plan",
        "include \"people/team.plan\"\nproject \"Main\" { start 2027-01-04 }\ntask work \"Work\" { duration 2d }\n",
    );
    let team = folder.write(
        "people/team.plan",
        "resource ann \"Ann Original\" { rate 500/d }\n",
    );
    let watcher = Watcher::start(folder.dir.path(), &["main.plan", "-o", "out.json"]);
    let out = folder.path("out.json");
    watcher.wait_for_status(1, START_DEADLINE);
    wait_for_output(&watcher, &out, "Ann Original", CHANGE_DEADLINE);
    write_in_place(&team, "resource ann \"Ann Edited\" { rate 500/d }\n");
    wait_for_output(&watcher, &out, "Ann Edited", CHANGE_DEADLINE);
    let line = watcher.wait_for_status(2, CHANGE_DEADLINE);
    assert!(line.contains("team.plan changed"), "{line}");
}

#[test]
fn a_new_include_is_followed() {
    let (folder, watcher, plan_path, out) = watched_plan();
    let extra = folder.write(
        "extra.plan",
        "task extra_work \"Extra work\" { effort 1d }\n",
    );
    write_in_place(
        &plan_path,
        &format!("include \"extra.plan\"\n{}", plan("First")),
    );
    wait_for_output(&watcher, &out, "Extra work", CHANGE_DEADLINE);
    // Now the newly included file itself is watched.
    write_by_rename(
        &extra,
        "task extra_work \"Extra work, edited\" { effort 1d }\n",
    );
    wait_for_output(&watcher, &out, "Extra work, edited", CHANGE_DEADLINE);
}

#[test]
fn an_include_that_does_not_exist_yet_is_waited_for() {
    let (folder, mut watcher, plan_path, out) = watched_plan();
    write_in_place(
        &plan_path,
        &format!("include \"later/more.plan\"\n{}", plan("Waiting")),
    );
    let line = watcher.wait_for_status(2, CHANGE_DEADLINE);
    assert!(line.contains("error"), "{line}");
    assert!(read(&out).contains("First"), "the last good output is kept");
    folder.write(
        "later/more.plan",
        "task more \"More to do\" { effort 1d }\n",
    );
    wait_for_output(&watcher, &out, "More to do", CHANGE_DEADLINE);
    watcher.assert_alive();
}

#[test]
fn a_broken_save_keeps_the_last_good_output_until_fixed() {
    let (_folder, mut watcher, plan_path, out) = watched_plan();
    let good = read(&out);
    write_in_place(
        &plan_path,
        "project \"Broken\" { start 2027-01-04 }\ntask half {\n",
    );
    let line = watcher.wait_for_status(2, CHANGE_DEADLINE);
    assert!(
        line.contains("error") && line.contains("kept the last good output"),
        "{line}"
    );
    assert!(
        watcher.stderr_text().contains("error["),
        "the diagnostics are printed"
    );
    assert_eq!(read(&out), good, "the output is left alone");
    watcher.assert_alive();
    write_in_place(&plan_path, &plan("Fixed"));
    wait_for_output(&watcher, &out, "Fixed", CHANGE_DEADLINE);
    watcher.assert_alive();
}

#[test]
fn a_deleted_plan_is_waited_for() {
    let (_folder, mut watcher, plan_path, out) = watched_plan();
    std::fs::remove_file(&plan_path).unwrap();
    let line = watcher.wait_for_status(2, CHANGE_DEADLINE);
    assert!(line.contains("waiting"), "{line}");
    watcher.assert_alive();
    assert!(read(&out).contains("First"));
    std::fs::write(&plan_path, plan("Back again")).unwrap();
    wait_for_output(&watcher, &out, "Back again", CHANGE_DEADLINE);
}

#[test]
fn a_plan_missing_at_start_is_waited_for() {
    let folder = Folder::new();
    let watcher = Watcher::start(folder.dir.path(), &["late.plan", "-o", "out.json"]);
    let line = watcher.wait_for_status(1, START_DEADLINE);
    assert!(line.contains("waiting"), "{line}");
    folder.write("late.plan", &plan("Late"));
    wait_for_output(&watcher, &folder.path("out.json"), "Late", CHANGE_DEADLINE);
}

#[test]
fn a_burst_of_saves_makes_one_rebuild() {
    let folder = Folder::new();
    let plan_path = folder.write("plan.plan", &plan("First"));
    // A long debounce so that a slow machine still sees one burst.
    let watcher = Watcher::start(
        folder.dir.path(),
        &["plan.plan", "-o", "out.json", "--debounce", "400"],
    );
    let out = folder.path("out.json");
    watcher.wait_for_status(1, START_DEADLINE);
    for n in 1..=5 {
        write_in_place(&plan_path, &plan(&format!("Burst {n}")));
    }
    wait_for_output(&watcher, &out, "Burst 5", CHANGE_DEADLINE);
    watcher.wait_for_status(2, CHANGE_DEADLINE);
    // Nothing else is pending: a second rebuild would come within the
    // debounce delay plus a build.
    std::thread::sleep(Duration::from_millis(700));
    assert_eq!(watcher.status_lines().len(), 2, "{}", watcher.stderr_text());
}

#[test]
fn a_save_during_a_build_is_built_after_it() {
    let folder = Folder::new();
    // Levelling makes this build take a while, at least in a debug build.
    let busy = |title: &str| {
        let tasks: String = (0..1)
            .map(|n| format!("task t{n} \"Task {n}\" {{ effort 2d  assign ann, bob }}\n"))
            .collect();
        format!(
            "project \"{title}\" {{ start 2027-01-04 }}\n\
             resource ann \"Ann\" {{ rate 500/d }}\nresource bob \"Bob\" {{ rate 400/d }}\n{tasks}"
        )
    };
    let plan_path = folder.write("plan.plan", &busy("Start"));
    let watcher = Watcher::start(
        folder.dir.path(),
        &["plan.plan", "-o", "out.json", "--debounce", "20"],
    );
    let out = folder.path("out.json");
    watcher.wait_for_status(1, START_DEADLINE);
    write_in_place(&plan_path, &busy("During"));
    // Soon after the debounce delay, while that rebuild is likely running.
    std::thread::sleep(Duration::from_millis(60));
    write_in_place(&plan_path, &busy("Latest"));
    wait_for_output(&watcher, &out, "Latest", START_DEADLINE);
}

#[test]
fn swap_files_backups_and_the_output_do_not_rebuild() {
    let (folder, watcher, _plan_path, _out) = watched_plan();
    folder.write(".plan.plan.swp", "swap");
    folder.write("plan.plan~", "backup");
    folder.write("4913", "");
    folder.write("notes.txt", "not part of the plan");
    // Writing the output and reading the plan must not loop either.
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(watcher.status_lines().len(), 1, "{}", watcher.stderr_text());
}

#[test]
fn output_that_cannot_be_written_does_not_stop_the_watcher() {
    let folder = Folder::new();
    let plan_path = folder.write("plan.plan", &plan("First"));
    let mut watcher = Watcher::start(
        folder.dir.path(),
        &["plan.plan", "-o", "missing-folder/out.json"],
    );
    let line = watcher.wait_for_status(1, START_DEADLINE);
    assert!(line.contains("cannot write"), "{line}");
    watcher.assert_alive();
    std::fs::create_dir(folder.path("missing-folder")).unwrap();
    write_in_place(&plan_path, &plan("Second"));
    wait_for_output(
        &watcher,
        &folder.path("missing-folder/out.json"),
        "Second",
        CHANGE_DEADLINE,
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_exits_with_status_zero() {
    let (_folder, mut watcher, _plan, _out) = watched_plan();
    let pid = watcher.child.id().to_string();
    let sent = Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    let status = wait_until(Duration::from_secs(5), || {
        watcher.child.try_wait().ok().flatten()
    });
    let status =
        status.unwrap_or_else(|| panic!("still running after SIGINT:\n{}", watcher.stderr_text()));
    assert_eq!(status.code(), Some(0), "{}", watcher.stderr_text());
}

#[test]
fn an_output_named_like_a_plan_is_refused() {
    let folder = Folder::new();
    folder.write("plan.plan", &plan("First"));
    let output = Command::new(env!("CARGO_BIN_EXE_planc"))
        .args(["watch", "plan.plan", "-o", "other.plan"])
        .current_dir(folder.dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("refusing"));
    assert!(!folder.path("other.plan").exists());
}

// ------------------------------------------------------------ --serve

/// Sends one GET and returns the status line and the body.
fn http_get(addr: &str, path: &str) -> (String, String) {
    http_send(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    )
}

/// Sends a request head as given and returns the status line and the body.
fn http_send(addr: &str, head: &str) -> (String, String) {
    let mut stream = TcpStream::connect(addr).expect("the preview server accepts connections");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    (
        head.lines().next().unwrap_or("").to_string(),
        body.to_string(),
    )
}

/// The address printed at start: `http://127.0.0.1:PORT/`.
fn served_address(watcher: &Watcher) -> String {
    let found = wait_until(START_DEADLINE, || {
        watcher.stderr.lock().unwrap().iter().find_map(|l| {
            let rest = l.split("http://").nth(1)?;
            Some(rest.split('/').next()?.to_string())
        })
    });
    found.unwrap_or_else(|| panic!("no address printed:\n{}", watcher.stderr_text()))
}

/// Reads from an event stream until `needle` arrives or the deadline passes.
fn read_events_until(stream: &mut TcpStream, needle: &str, deadline: Duration) -> Option<String> {
    stream
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let mut seen = Vec::new();
    wait_until(deadline, || {
        let mut buf = [0u8; 4096];
        if let Ok(n) = stream.read(&mut buf) {
            seen.extend_from_slice(&buf[..n]);
        }
        let text = String::from_utf8_lossy(&seen).into_owned();
        text.contains(needle).then_some(text)
    })
}

#[test]
fn serve_shows_the_report_and_reloads_tabs_after_a_change() {
    let folder = Folder::new();
    let plan_path = folder.write("plan.plan", &plan("Served"));
    let mut watcher = Watcher::start(
        folder.dir.path(),
        &["plan.plan", "--serve", "-o", "out.html"],
    );
    let addr = served_address(&watcher);
    assert!(
        addr.starts_with("127.0.0.1:"),
        "loopback by default: {addr}"
    );
    watcher.wait_for_status(1, START_DEADLINE);

    let (status, page) = http_get(&addr, "/");
    assert!(status.contains("200"), "{status}");
    assert!(page.contains("Served"), "{page}");
    assert!(
        page.contains("EventSource"),
        "the reload script is injected: {page}"
    );
    if page.contains("Content-Security-Policy") {
        assert!(
            page.contains("connect-src 'self'"),
            "the page may reach the event stream: {page}"
        );
    }
    let written = read(&folder.path("out.html"));
    assert!(written.contains("Served"), "{written}");
    assert!(
        !written.contains("EventSource"),
        "files written with -o have no script"
    );

    let mut events = TcpStream::connect(&addr).unwrap();
    write!(
        events,
        "GET /__planc/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    let head = read_events_until(&mut events, "\r\n\r\n", CHANGE_DEADLINE)
        .expect("the event stream opens");
    assert!(head.contains("text/event-stream"), "{head}");

    write_by_rename(&plan_path, &plan("Served again"));
    let got = read_events_until(&mut events, "event: reload", CHANGE_DEADLINE);
    assert!(
        got.is_some(),
        "no reload event; stderr:\n{}",
        watcher.stderr_text()
    );
    let (_, page) = http_get(&addr, "/");
    assert!(page.contains("Served again"), "{page}");

    // A broken save: the last good report with the diagnostics over it.
    write_in_place(
        &plan_path,
        "project \"Broken\" { start 2027-01-04 }\ntask half {\n",
    );
    let got = read_events_until(&mut events, "event: reload", CHANGE_DEADLINE);
    assert!(got.is_some(), "no reload event after a broken save");
    let (_, page) = http_get(&addr, "/");
    assert!(page.contains("planc-problems"), "{page}");
    assert!(
        page.contains("Served again"),
        "the last good report stays underneath"
    );
    assert!(page.contains("error["), "the diagnostics are shown: {page}");
    watcher.assert_alive();
}

/// `--editor vscode`: each task's name in the served report opens the
/// task in VS Code, at its name in the plan (absolute path, 1-based line
/// and column); the file written with `-o` stays without links.
#[test]
fn serve_with_an_editor_links_task_names_to_their_place_in_the_plan() {
    let folder = Folder::new();
    let plan_path = folder.write("plan.plan", &plan("Linked"));
    let mut watcher = Watcher::start(
        folder.dir.path(),
        &[
            "plan.plan",
            "--serve",
            "--editor",
            "vscode",
            "-o",
            "out.html",
        ],
    );
    let addr = served_address(&watcher);
    watcher.wait_for_status(1, START_DEADLINE);
    let (_, page) = http_get(&addr, "/");
    let absolute = std::fs::canonicalize(&plan_path).unwrap();
    let absolute = absolute.to_string_lossy();
    for (line, title) in [(3, "Design"), (4, "Build")] {
        let link = format!(
            "<a class=\"src\" href=\"vscode://file{absolute}:{line}:6\" title=\"Open in the editor\">{title}</a>"
        );
        assert!(page.contains(&link), "no {link} in:\n{page}");
    }
    let written = read(&folder.path("out.html"));
    assert!(!written.contains("vscode://"), "{written}");
    watcher.assert_alive();
}

#[test]
fn an_editor_needs_serve_and_a_known_editor_or_a_template() {
    let folder = Folder::new();
    folder.write("plan.plan", &plan("Linked"));
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_planc"))
            .arg("watch")
            .args(args)
            .current_dir(folder.dir.path())
            .output()
            .expect("planc runs")
    };
    let without_serve = run(&["plan.plan", "-o", "out.html", "--editor", "vscode"]);
    assert_eq!(without_serve.status.code(), Some(2));
    let unknown = run(&["plan.plan", "--serve", "--editor", "emacs"]);
    assert_eq!(unknown.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(stderr.contains("{path}"), "{stderr}");
}

#[test]
fn a_tab_loaded_before_a_rebuild_reloads_at_once() {
    let folder = Folder::new();
    let plan_path = folder.write("plan.plan", &plan("Old tab"));
    let watcher = Watcher::start(folder.dir.path(), &["plan.plan", "--serve"]);
    let addr = served_address(&watcher);
    watcher.wait_for_status(1, START_DEADLINE);
    let (_, page) = http_get(&addr, "/");
    let version = page
        .split("/__planc/events?v=")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page names its version")
        .to_string();
    write_in_place(&plan_path, &plan("New build"));
    watcher.wait_for_status(2, CHANGE_DEADLINE);
    // The tab connects only now, with the version it was loaded at.
    let mut events = TcpStream::connect(&addr).unwrap();
    write!(
        events,
        "GET /__planc/events?v={version} HTTP/1.1\r\nHost: {addr}\r\n\r\n"
    )
    .unwrap();
    assert!(read_events_until(&mut events, "event: reload", CHANGE_DEADLINE).is_some());
}

/// Opens an event stream and waits for its head; `None` if refused.
fn open_event_stream(addr: &str) -> Option<TcpStream> {
    let mut events = TcpStream::connect(addr).expect("the preview server accepts connections");
    write!(
        events,
        "GET /__planc/events HTTP/1.1\r\nHost: {addr}\r\n\r\n"
    )
    .unwrap();
    let head = read_events_until(&mut events, "\r\n\r\n", CHANGE_DEADLINE)?;
    head.starts_with("HTTP/1.1 200").then_some(events)
}

/// Mirrors `MAX_CONNECTIONS` and `MAX_STREAMS` in `src/cli/serve.rs`, as
/// documented in `docs/cli.md`.
const MAX_CONNECTIONS: usize = 64;
const MAX_STREAMS: usize = 48;

/// Connections that connect and then send nothing.
fn idle_connections(addr: &str, n: usize) -> Vec<TcpStream> {
    (0..n)
        .map(|_| TcpStream::connect(addr).expect("the backlog takes the connection"))
        .collect()
}

fn started_server() -> (Folder, Watcher, PathBuf, String) {
    let folder = Folder::new();
    let plan_path = folder.write("plan.plan", &plan("Served"));
    let watcher = Watcher::start(folder.dir.path(), &["plan.plan", "--serve"]);
    let addr = served_address(&watcher);
    watcher.wait_for_status(1, START_DEADLINE);
    (folder, watcher, plan_path, addr)
}

#[test]
fn serve_answers_only_hosts_that_name_it() {
    let (_folder, mut watcher, _, addr) = started_server();
    let port = addr.rsplit(':').next().unwrap();
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
        "localhost".to_string(),
    ] {
        let (status, page) = http_send(
            &addr,
            &format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        );
        assert!(status.contains(" 200 "), "{host}: {status}");
        assert!(page.contains("Served"), "{host}: {page}");
    }
    // A DNS-rebinding page sends its own name.
    for path in ["/", "/__planc/events"] {
        let (status, body) = http_send(
            &addr,
            &format!(
                "GET {path} HTTP/1.1\r\nHost: rebind.example:{port}\r\nConnection: close\r\n\r\n"
            ),
        );
        assert!(status.contains(" 403 "), "{path}: {status}");
        assert!(!body.contains("Served"), "{body}");
    }
    let (status, _) = http_send(&addr, "GET / HTTP/1.0\r\n\r\n");
    assert!(status.contains(" 400 "), "no Host: {status}");
    watcher.assert_alive();
}

#[test]
fn serve_refuses_a_head_larger_than_the_cap_without_growing() {
    let (_folder, mut watcher, _, addr) = started_server();
    let mut stream = TcpStream::connect(&addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut sender = stream.try_clone().unwrap();
    let host = addr.clone();
    // The server may close the connection mid-send; that ends the sender.
    let sending = std::thread::spawn(move || {
        let line = vec![b'a'; 1 << 20];
        let start = format!("GET / HTTP/1.1\r\nHost: {host}\r\nX-Big: ");
        if sender.write_all(start.as_bytes()).is_err() {
            return;
        }
        for _ in 0..64 {
            if sender.write_all(&line).is_err() {
                return;
            }
        }
        drop(sender.write_all(b"\r\n\r\n"));
    });
    let mut response = Vec::new();
    // A reset instead of the 431 is allowed: the client is still sending.
    drop(stream.read_to_end(&mut response));
    let response = String::from_utf8_lossy(&response);
    assert!(
        response.is_empty() || response.starts_with("HTTP/1.1 431 "),
        "{response}"
    );
    drop(stream);
    sending.join().unwrap();
    let (status, _) = http_get(&addr, "/");
    assert!(status.contains(" 200 "), "{status}");
    if let Some(peak) = peak_memory_kib(watcher.child.id()) {
        assert!(
            peak < 48 * 1024,
            "a 64 MiB head raised the peak memory to {peak} KiB"
        );
    }
    watcher.assert_alive();
}

/// The most memory the process has held (`VmHWM`), where Linux says.
fn peak_memory_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn serve_answers_503_beyond_the_connection_cap_and_recovers() {
    let (_folder, mut watcher, plan_path, addr) = started_server();
    let mut tab = open_event_stream(&addr).expect("a tab's event stream opens");
    let idle = idle_connections(&addr, MAX_CONNECTIONS + 8);
    let (status, body) = http_get(&addr, "/");
    assert!(status.contains(" 503 "), "{status}");
    assert!(!body.contains("Served"), "{body}");

    // The tab that was already open still hears about rebuilds.
    write_in_place(&plan_path, &plan("Served again"));
    let got = read_events_until(&mut tab, "event: reload", CHANGE_DEADLINE);
    assert!(got.is_some(), "stderr:\n{}", watcher.stderr_text());

    drop(idle);
    let recovered = wait_until(CHANGE_DEADLINE, || {
        let (status, page) = http_get(&addr, "/");
        status.contains(" 200 ").then_some(page)
    });
    let page = recovered.expect("the server answers again once connections close");
    assert!(page.contains("Served again"), "{page}");
    watcher.assert_alive();
}

#[test]
fn serve_answers_503_beyond_the_event_stream_cap_and_still_serves_pages() {
    let (_folder, mut watcher, _, addr) = started_server();
    let mut tabs: Vec<TcpStream> = (0..MAX_STREAMS)
        .map(|i| open_event_stream(&addr).unwrap_or_else(|| panic!("stream {i} opens")))
        .collect();
    assert!(open_event_stream(&addr).is_none(), "one stream too many");
    let (status, page) = http_get(&addr, "/");
    assert!(status.contains(" 200 "), "{status}");
    assert!(page.contains("Served"), "{page}");
    tabs.truncate(MAX_STREAMS - 1);
    let reopened = wait_until(CHANGE_DEADLINE, || open_event_stream(&addr));
    assert!(reopened.is_some(), "a closed tab's place is given back");
    watcher.assert_alive();
}

#[test]
fn serve_reports_a_dead_listener_and_restarts_it() {
    let folder = Folder::new();
    folder.write("plan.plan", &plan("Served"));
    let mut watcher =
        Watcher::start_with_open_file_limit(folder.dir.path(), 40, &["plan.plan", "--serve"]);
    let addr = served_address(&watcher);
    watcher.wait_for_status(1, START_DEADLINE);
    // More connections than the process has file descriptors for.
    let idle = idle_connections(&addr, 60);
    let reported = wait_until(Duration::from_secs(10), || {
        let text = watcher.stderr_text();
        text.contains("stopped accepting connections")
            .then_some(text)
    });
    assert!(reported.is_some(), "stderr:\n{}", watcher.stderr_text());
    drop(idle);
    let recovered = wait_until(Duration::from_secs(10), || {
        let mut stream = TcpStream::connect(&addr).ok()?;
        stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
        write!(stream, "GET / HTTP/1.1\r\nHost: {addr}\r\n\r\n").ok()?;
        let mut response = String::new();
        stream.read_to_string(&mut response).ok()?;
        response.starts_with("HTTP/1.1 200").then_some(response)
    });
    assert!(recovered.is_some(), "stderr:\n{}", watcher.stderr_text());
    let text = watcher.stderr_text();
    assert!(text.contains("serving the report again"), "{text}");
    watcher.assert_alive();
}
