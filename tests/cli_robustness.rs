//! The `planc` command under conditions a user or an attacker creates:
//! symbolic links in a folder `planc fmt` walks, endless standard input, a
//! closed standard error, Ctrl-C and SIGTERM in the middle of a build or a
//! watch; and what a user types and expects to work (`--format mmd`,
//! `-o /dev/null`, a visible success from `check`). Every test runs the
//! real binary.
#![cfg(unix)]

use std::io::Write;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const UNFORMATTED: &str = "project   \"P\" { start 2027-01-04 }\ntask   a { duration 1d }\n";
const FORMATTED: &str = "project \"P\" { start 2027-01-04 }\ntask a { duration 1d }\n";
const BROKEN: &str = "project \"B\" { start 2027-01-04 }\ntask w { after nowhere  duration 1d }\n";

/// The most any of these commands may take where the bug made them hang.
const PATIENCE: Duration = Duration::from_secs(20);

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_planc"));
    command.args(args).current_dir(dir).env("NO_COLOR", "1");
    command
}

/// Runs to the end, or is killed after [`PATIENCE`]: `None` then.
fn run_patiently(dir: &Path, args: &[&str]) -> Option<(ExitStatus, String)> {
    let child = command(dir, args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("planc runs");
    let (status, stderr) = finish_within(child, PATIENCE)?;
    Some((status, stderr))
}

/// Waits for `child`, killing it after `limit`; its standard error if piped.
fn finish_within(mut child: Child, limit: Duration) -> Option<(ExitStatus, String)> {
    let stderr = child.stderr.take().map(|mut pipe| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = std::io::Read::read_to_string(&mut pipe, &mut text);
            text
        })
    });
    let status = wait_within(&mut child, limit);
    let text = stderr
        .map(|reader| reader.join().unwrap_or_default())
        .unwrap_or_default();
    status.map(|s| (s, text))
}

fn wait_within(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if let Some(status) = child.try_wait().expect("waiting for planc") {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

fn send(child: &Child, signal: &str) {
    let sent = Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success(), "kill -{signal}");
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

// ------------------------------------------------------ fmt and symbolic links

#[test]
fn fmt_on_a_folder_leaves_plans_behind_a_linked_folder_alone() {
    let root = tempfile::tempdir().unwrap();
    let project = root.path().join("proj");
    let elsewhere = root.path().join("elsewhere");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(project.join("own.plan"), UNFORMATTED).unwrap();
    std::fs::write(elsewhere.join("theirs.plan"), UNFORMATTED).unwrap();
    symlink("../elsewhere", project.join("vendor")).unwrap();

    let (status, stderr) = run_patiently(&project, &["fmt"]).expect("fmt finishes");
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert_eq!(read(&project.join("own.plan")), FORMATTED);
    assert_eq!(
        read(&elsewhere.join("theirs.plan")),
        UNFORMATTED,
        "a plan outside the folder was rewritten"
    );
}

#[test]
fn fmt_on_a_folder_with_looping_links_finishes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("own.plan"), UNFORMATTED).unwrap();
    symlink(".", dir.path().join("a")).unwrap();
    symlink(".", dir.path().join("b")).unwrap();
    let (status, stderr) = run_patiently(dir.path(), &["fmt"]).expect("fmt finishes");
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert_eq!(read(&dir.path().join("own.plan")), FORMATTED);
}

#[test]
fn fmt_on_a_folder_skips_devices_and_linked_secrets() {
    let root = tempfile::tempdir().unwrap();
    let project = root.path().join("proj");
    std::fs::create_dir_all(&project).unwrap();
    let secret = root.path().join("secret.txt");
    std::fs::write(&secret, "password = hunter2\n").unwrap();
    symlink("/dev/zero", project.join("zero.plan")).unwrap();
    symlink(&secret, project.join("notes.plan")).unwrap();
    std::fs::write(project.join("own.plan"), UNFORMATTED).unwrap();

    for args in [&["fmt"][..], &["fmt", "--check"][..]] {
        let (status, stderr) = run_patiently(&project, args).expect("fmt finishes");
        assert!(
            !stderr.contains("hunter2"),
            "{args:?} showed the secret: {stderr}"
        );
        assert_eq!(status.code(), Some(0), "{args:?}: {stderr}");
    }
    assert_eq!(read(&project.join("own.plan")), FORMATTED);
    assert_eq!(read(&secret), "password = hunter2\n");
}

#[test]
fn fmt_of_a_named_device_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let (status, stderr) = run_patiently(dir.path(), &["fmt", "/dev/zero"]).expect("fmt finishes");
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("not a regular file"), "{stderr}");
}

#[test]
fn fmt_of_a_named_link_formats_its_target_and_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("real")).unwrap();
    let target = dir.path().join("real").join("plan.plan");
    std::fs::write(&target, UNFORMATTED).unwrap();
    let link = dir.path().join("link.plan");
    symlink("real/plan.plan", &link).unwrap();

    let (status, stderr) = run_patiently(dir.path(), &["fmt", "link.plan"]).expect("fmt finishes");
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link was replaced by a file"
    );
    assert_eq!(read(&target), FORMATTED);
}

#[test]
fn fmt_of_a_file_over_the_size_limit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("huge.plan");
    let file = std::fs::File::create(&huge).unwrap();
    file.set_len(64 * 1024 * 1024 + 1).unwrap();
    let (status, stderr) = run_patiently(dir.path(), &["fmt", "huge.plan"]).expect("fmt finishes");
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error[E0004]"), "{stderr}");
}

// ------------------------------------------------------------ standard input

/// Feeds planc more than the size limit and then keeps standard input
/// open, as an endless stream would: planc must stop reading by itself.
fn over_the_limit_on_stdin(args: &[&str]) -> Option<(ExitStatus, String)> {
    let dir = tempfile::tempdir().unwrap();
    let mut child = command(dir.path(), args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("planc runs");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let (done, finished) = std::sync::mpsc::channel::<()>();
    let feeder = std::thread::spawn(move || {
        let block = vec![b' '; 1 << 20];
        for _ in 0..65 {
            if stdin.write_all(&block).is_err() {
                return;
            }
        }
        // Still open until the test is over.
        let _ = finished.recv();
        drop(stdin);
    });
    let result = finish_within(child, PATIENCE);
    let _ = done.send(());
    feeder.join().expect("the feeder ends");
    result
}

#[test]
fn check_stops_reading_standard_input_at_the_limit() {
    let (status, stderr) = over_the_limit_on_stdin(&["check", "-"]).expect("check finishes");
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error[E0004]"), "{stderr}");
}

#[test]
fn fmt_stops_reading_standard_input_at_the_limit() {
    let (status, stderr) = over_the_limit_on_stdin(&["fmt", "-"]).expect("fmt finishes");
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error[E0004]"), "{stderr}");
}

// ------------------------------------------------------- closed standard error

#[test]
fn a_closed_standard_error_does_not_abort_check() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.plan"), BROKEN).unwrap();
    let mut child = command(dir.path(), &["check", "bad.plan"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("planc runs");
    drop(child.stderr.take());
    let output = child.wait_with_output().expect("planc finishes");
    assert_eq!(
        output.status.code(),
        Some(1),
        "{:?}: {}",
        output.status,
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn a_closed_standard_error_does_not_stop_watch() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.plan"), FORMATTED).unwrap();
    let out = dir.path().join("out.json");
    let mut child = command(dir.path(), &["watch", "plan.plan", "-o", "out.json"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("planc runs");
    drop(child.stderr.take());
    let started = Instant::now();
    while !out.exists() && started.elapsed() < PATIENCE {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    let early = child.try_wait().expect("waiting for planc");
    assert!(early.is_none(), "watch ended by itself: {early:?}");
    assert!(out.exists(), "the first build was written");
    send(&child, "INT");
    let status = wait_within(&mut child, PATIENCE).expect("watch stops on Ctrl-C");
    assert_eq!(status.code(), Some(0), "{status:?}");
}

// -------------------------------------------------------------------- signals

/// A plan whose build takes a while: `tasks` tasks in chains of ten.
fn large_plan(dir: &Path, tasks: usize) -> PathBuf {
    let mut text = String::from("project \"Large\" { start 2027-01-04 }\n");
    for k in 0..tasks {
        let after = if k % 10 == 0 {
            String::new()
        } else {
            format!("  after t{}", k - 1)
        };
        text.push_str(&format!(
            "task t{k} \"Task number {k}\" {{ duration 1d{after} }}\n"
        ));
    }
    let path = dir.join("large.plan");
    std::fs::write(&path, text).unwrap();
    path
}

/// Files in `dir` whose names start with `prefix`.
fn files_starting(dir: &Path, prefix: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(prefix))
        .collect()
}

/// Interrupts `build -o` while its temporary output is being written.
fn interrupt_build_while_writing(signal: &str) {
    let dir = tempfile::tempdir().unwrap();
    // Large enough that the JSON takes a good fraction of a second to write.
    large_plan(dir.path(), 200_000);
    let mut child = command(dir.path(), &["build", "large.plan", "-o", "out.json"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("planc runs");
    let started = Instant::now();
    while files_starting(dir.path(), ".out.json").is_empty() {
        let ended = child.try_wait().expect("waiting for planc");
        assert!(
            ended.is_none(),
            "the build ended before it was caught writing"
        );
        assert!(started.elapsed() < PATIENCE, "no temporary output appeared");
        std::thread::sleep(Duration::from_millis(1));
    }
    send(&child, signal);
    let status = wait_within(&mut child, PATIENCE).expect("planc stops");
    assert_eq!(status.code(), Some(130), "{signal}: {status:?}");
    assert_eq!(
        files_starting(dir.path(), ".out.json"),
        Vec::<String>::new(),
        "{signal} left the temporary output behind"
    );
    assert!(
        !dir.path().join("out.json").exists(),
        "a half output appeared"
    );
}

#[test]
fn ctrl_c_during_build_removes_the_temporary_output() {
    interrupt_build_while_writing("INT");
}

#[test]
fn sigterm_during_build_removes_the_temporary_output() {
    interrupt_build_while_writing("TERM");
}

#[test]
fn ctrl_c_stops_watch_in_the_middle_of_a_long_build() {
    let dir = tempfile::tempdir().unwrap();
    // Large enough that its first build takes seconds.
    large_plan(dir.path(), 200_000);
    let mut child = command(dir.path(), &["watch", "large.plan", "-o", "out.html"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("planc runs");
    let lines = std::io::BufRead::lines(std::io::BufReader::new(
        child.stderr.take().expect("stderr is piped"),
    ));
    let (line_sender, line_receiver) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            let _ = line_sender.send(line);
        }
    });
    // The first build starts right after this line.
    let first = line_receiver.recv_timeout(PATIENCE).expect("watch starts");
    assert!(first.contains("press Ctrl-C"), "{first}");
    send(&child, "INT");
    let pressed = Instant::now();
    let status = wait_within(&mut child, PATIENCE).expect("watch stops");
    let took = pressed.elapsed();
    reader.join().expect("stderr is read");
    let stderr: Vec<String> = line_receiver.try_iter().collect();
    assert!(
        !stderr.iter().any(|l| l.contains("first build:")),
        "the first build finished before watch stopped: {stderr:?}"
    );
    assert!(
        took < Duration::from_secs(2),
        "watch took {took:?} to stop after Ctrl-C"
    );
    assert_eq!(status.code(), Some(0), "{stderr:?}");
    assert!(
        stderr.iter().any(|l| l.contains("stopped watching")),
        "{stderr:?}"
    );
    assert_eq!(
        files_starting(dir.path(), ".out.html"),
        Vec::<String>::new(),
        "a temporary output was left behind"
    );
}

// --------------------------------------------------------- what users expect

fn run_in(dir: &Path, args: &[&str]) -> std::process::Output {
    command(dir, args)
        .stdin(Stdio::null())
        .output()
        .expect("planc runs")
}

#[test]
fn format_mmd_is_mermaid() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.plan"), FORMATTED).unwrap();
    let mmd = run_in(dir.path(), &["build", "plan.plan", "--format", "mmd"]);
    let mermaid = run_in(dir.path(), &["build", "plan.plan", "--format", "mermaid"]);
    assert_eq!(
        mmd.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&mmd.stderr)
    );
    assert_eq!(mmd.stdout, mermaid.stdout);
    assert!(String::from_utf8_lossy(&mmd.stdout).starts_with("gantt"));
}

#[test]
fn dev_null_as_the_output_needs_no_format() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.plan"), FORMATTED).unwrap();
    let built = run_in(dir.path(), &["build", "plan.plan", "-o", "/dev/null"]);
    let stderr = String::from_utf8_lossy(&built.stderr);
    assert_eq!(built.status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    assert!(Path::new("/dev/null").exists(), "still there");
}

#[test]
fn check_of_a_clean_plan_says_ok_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let plan = "project \"P\" { start 2027-01-04 }\n\
                task g { task a { duration 2d }  task b { after a  duration 1d } }\n\
                milestone m { after g }\n";
    std::fs::write(dir.path().join("plan.plan"), plan).unwrap();
    let checked = run_in(dir.path(), &["check", "plan.plan"]);
    assert_eq!(checked.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&checked.stderr),
        "ok: 3 tasks, finish 2027-01-06\n",
        "groups are not counted; the finish is the last working day"
    );
    assert!(checked.stdout.is_empty(), "standard output stays empty");
    let json = run_in(
        dir.path(),
        &["check", "--message-format", "json", "plan.plan"],
    );
    assert_eq!(json.status.code(), Some(0));
    assert!(
        json.stdout.is_empty() && json.stderr.is_empty(),
        "JSON mode prints no diagnostics and no summary"
    );
}
