//! `planc import` against bad input, as a user meets it (issue 22 item 6,
//! docs/interchange.md "Bad input"): a huge file is refused by its size
//! without being read, a FIFO or a device is refused unopened, an unknown
//! extension or a missing file is a usage error (exit 2), the output may
//! not be the input, a file that is not UTF-8 is a located error, an XML
//! entity bomb and a TaskJuggler macro bomb end quickly with a small
//! output, and random truncations and byte flips of real files never make
//! an importer panic (`FUZZ_SECONDS`, default 2, bounds that test).

use planc::interchange::{self, Foreign};
use rand::{Rng, SeedableRng};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::planc;

/// `planc ARGS` that must end within `limit`; killed and failed if not.
fn planc_within(dir: &Path, args: &[&str], limit: Duration) -> (Output, Duration) {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_planc"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("planc runs");
    // Read the pipes while waiting, so that a large output cannot block.
    let mut stdout = child.stdout.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stdout.read_to_end(&mut bytes);
        bytes
    });
    loop {
        if child.try_wait().expect("waitable").is_some() {
            break;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`planc {}` ran longer than {limit:?}", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let elapsed = started.elapsed();
    let mut output = child.wait_with_output().expect("planc ends");
    output.stdout = reader.join().unwrap_or_default();
    (output, elapsed)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// No panic, whatever the input: planc's panic hook says "internal error".
fn assert_no_panic(output: &Output, what: &str) {
    let err = stderr(output);
    assert!(!err.contains("internal error"), "{what}: {err}");
    assert!(!err.contains("panicked"), "{what}: {err}");
    assert!(
        matches!(output.status.code(), Some(0..=2)),
        "{what}: exit {:?}: {err}",
        output.status.code()
    );
}

#[test]
fn a_sparse_gigabyte_is_refused_by_its_size_without_being_read() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["huge.xml", "huge.tjp"] {
        let file = std::fs::File::create(dir.path().join(name)).unwrap();
        // Sparse: a gigabyte long, no disk used, all zeros if read.
        file.set_len(1 << 30).unwrap();
        drop(file);
        let (out, elapsed) = planc_within(dir.path(), &["import", name], Duration::from_secs(20));
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("E0004"), "{err}");
        assert!(err.contains("67108864 bytes"), "{err}");
        assert!(out.stdout.is_empty());
        // Reading 64 MiB of zeros takes tens of milliseconds; refusing by
        // the size, a few. Loose, as the machine is shared.
        assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_device_is_refused_unopened() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.tjp");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped the FIFO: mkfifo is missing");
    } else {
        // Opening a FIFO with no writer blocks: refused without opening.
        let (out, _) = planc_within(dir.path(), &["import", "pipe.tjp"], Duration::from_secs(20));
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("not a regular file"),
            "{}",
            stderr(&out)
        );
    }
    // /dev/zero never ends; a link gives it an extension planc imports.
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.xml")).unwrap();
    let (out, _) = planc_within(dir.path(), &["import", "zero.xml"], Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not a regular file"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_unknown_extension_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["plan.mpp", "plan", "notes.txt"] {
        std::fs::write(dir.path().join(name), "whatever").unwrap();
        let out = planc(dir.path(), &["import", name]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(
            stderr(&out).contains("TaskJuggler (.tjp) and MS Project XML (.xml)"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn a_missing_file_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["missing.tjp", "missing.xml"] {
        let out = planc(dir.path(), &["import", name, "-o", "out.plan"]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = stderr(&out);
        assert!(err.contains("cannot read") && err.contains(name), "{err}");
        assert!(!dir.path().join("out.plan").exists());
    }
}

#[test]
fn the_output_may_not_be_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let original = "<?xml version=\"1.0\"?>\n<Project><Name>x</Name></Project>\n";
    std::fs::write(dir.path().join("in.xml"), original).unwrap();
    let mut names = vec!["in.xml", "./in.xml"];
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("in.xml", dir.path().join("link.xml")).unwrap();
        names.push("link.xml");
    }
    let absolute = dir.path().join("in.xml");
    let absolute = absolute.to_str().unwrap();
    names.push(absolute);
    for output in names {
        let out = planc(dir.path(), &["import", "in.xml", "-o", output]);
        assert_eq!(out.status.code(), Some(2), "-o {output}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("is the file being imported"),
            "{}",
            stderr(&out)
        );
        let now = std::fs::read_to_string(dir.path().join("in.xml")).unwrap();
        assert_eq!(now, original, "-o {output} left the input alone");
    }
}

#[test]
fn a_file_that_is_not_utf8_is_located() {
    let dir = tempfile::tempdir().unwrap();
    // A Latin-1 `é` on line 4, column 12.
    let mut bytes = {
        let mut b = b"project p \"P\" 2027-01-04 +4m {\n}\n# note\ntask t \"Caf".to_vec();
        b.push(0xE9);
        b.extend_from_slice(b"\" {\n  duration 1d\n}\n");
        b
    };
    std::fs::write(dir.path().join("latin1.tjp"), &bytes).unwrap();
    let out = planc(dir.path(), &["import", "latin1.tjp"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("E0002"), "{err}");
    assert!(err.contains("line 4, column 12"), "{err}");
    assert!(err.contains("latin1.tjp:4:12"), "{err}");
    assert!(err.contains("save the file as UTF-8"), "{err}");
    assert!(out.stdout.is_empty());

    // UTF-16, as some Windows tools save XML: said so.
    bytes.clear();
    bytes.extend_from_slice(&[0xFF, 0xFE]);
    for unit in "<?xml version=\"1.0\" encoding=\"UTF-16\"?><Project/>".encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    std::fs::write(dir.path().join("wide.xml"), &bytes).unwrap();
    let out = planc(dir.path(), &["import", "wide.xml"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("UTF-16"), "{}", stderr(&out));
}

/// The "billion laughs": ten entities, each ten of the one before, would
/// expand to a gigabyte if an XML reader expanded them.
fn xml_bomb() -> String {
    let mut doctype = String::from("<!DOCTYPE Project [\n  <!ENTITY lol0 \"lol\">\n");
    for i in 1..10 {
        let refs = format!("&lol{};", i - 1).repeat(10);
        doctype.push_str(&format!("  <!ENTITY lol{i} \"{refs}\">\n"));
    }
    doctype.push_str("]>\n");
    format!(
        "<?xml version=\"1.0\"?>\n{doctype}<Project xmlns=\"http://schemas.microsoft.com/project\">\n\
         <Name>&lol9;</Name>\n<Title>&lol9;</Title>\n<StartDate>2027-01-04T08:00:00</StartDate>\n\
         <Tasks><Task><UID>1</UID><ID>1</ID><Name>&lol9;</Name><OutlineLevel>1</OutlineLevel></Task></Tasks>\n\
         </Project>\n"
    )
}

/// The TaskJuggler counterpart: macros that each use the one before twice.
fn macro_bomb() -> String {
    let mut text = String::from("macro m0 [lol]\n");
    for i in 1..40 {
        text.push_str(&format!("macro m{i} [${{m{}}}${{m{}}}]\n", i - 1, i - 1));
    }
    text.push_str(
        "project p \"${m39}\" 2027-01-04 +4m {\n}\ntask t \"${m39}\" {\n  duration 1d\n}\n",
    );
    text
}

#[test]
fn entity_and_macro_bombs_end_quickly_with_a_small_output() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bomb.xml"), xml_bomb()).unwrap();
    std::fs::write(dir.path().join("bomb.tjp"), macro_bomb()).unwrap();
    for name in ["bomb.xml", "bomb.tjp"] {
        let (out, _) = planc_within(dir.path(), &["import", name], Duration::from_secs(30));
        assert_no_panic(&out, name);
        // Expanded, either bomb is at least a gigabyte.
        assert!(
            out.stdout.len() < 1 << 20,
            "{name}: {} bytes of plan",
            out.stdout.len()
        );
        assert!(stderr(&out).len() < 1 << 20, "{name}: a huge message");
    }
}

// ------------------------------------------------- truncations and flips

/// The TaskJuggler examples of the `tj3` package, when it is installed,
/// and a small file of each format, so that the test has input anyway.
fn real_files() -> Vec<(Foreign, PathBuf, String)> {
    let mut files = vec![
        (
            Foreign::TaskJuggler,
            PathBuf::from("small.tjp"),
            SMALL_TJP.to_string(),
        ),
        (
            Foreign::MsProject,
            PathBuf::from("small.xml"),
            SMALL_MSPDI.to_string(),
        ),
    ];
    let examples = Path::new("/usr/share/doc/tj3/examples");
    if let Ok(folders) = std::fs::read_dir(examples) {
        let mut paths: Vec<PathBuf> = folders
            .flatten()
            .flat_map(|f| std::fs::read_dir(f.path()).into_iter().flatten().flatten())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "tjp"))
            .collect();
        paths.sort();
        for path in paths {
            if let Ok(text) = std::fs::read_to_string(&path) {
                files.push((Foreign::TaskJuggler, path, text));
            }
        }
    } else {
        eprintln!("note: tj3's examples are not installed; fuzzing the small files alone");
    }
    files
}

const SMALL_TJP: &str = "project acso \"Accounting Software\" 2002-01-16 +4m {\n\
  timezone \"Europe/Berlin\"\n  currency \"EUR\"\n}\n\
resource dev \"Developers\" {\n  resource dev1 \"Paul Smith\" { rate 350.0 }\n  resource dev2 \"Sébastien Bono\"\n}\n\
task spec \"Specification\" {\n  effort 20d\n  allocate dev1\n  depends !deliveries.start\n}\n\
task deliveries \"Milestones\" {\n  task start \"Project start\" { start ${projectstart} }\n  task done \"Done\" { depends spec { gaplength 2d } }\n}\n";

const SMALL_MSPDI: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Project xmlns=\"http://schemas.microsoft.com/project\">\n\
  <Name>small.xml</Name>\n  <Title>Small &amp; simple</Title>\n  <StartDate>2027-01-04T08:00:00</StartDate>\n\
  <Calendars><Calendar><UID>1</UID><Name>Standard</Name><IsBaseCalendar>1</IsBaseCalendar></Calendar></Calendars>\n\
  <Tasks>\n    <Task><UID>1</UID><ID>1</ID><Name>Build</Name><OutlineLevel>1</OutlineLevel><Duration>PT16H0M0S</Duration></Task>\n\
    <Task><UID>2</UID><ID>2</ID><Name>Ship</Name><OutlineLevel>1</OutlineLevel><Milestone>1</Milestone>\n\
      <PredecessorLink><PredecessorUID>1</PredecessorUID><Type>1</Type><LinkLag>0</LinkLag></PredecessorLink></Task>\n\
  </Tasks>\n  <Resources><Resource><UID>1</UID><ID>1</ID><Name>Ann</Name><Type>1</Type></Resource></Resources>\n\
</Project>\n";

/// `text` cut short at a random byte, or with random bytes changed (a
/// change may make it invalid UTF-8: it is read lossily, as `planc
/// import` reports such a file before an importer sees it).
fn damaged(text: &str, rng: &mut impl Rng) -> String {
    let mut bytes = text.as_bytes().to_vec();
    if bytes.is_empty() {
        return String::new();
    }
    if rng.random_bool(0.5) {
        bytes.truncate(rng.random_range(0..bytes.len()));
    } else {
        for _ in 0..rng.random_range(1..=8) {
            let at = rng.random_range(0..bytes.len());
            bytes[at] = match rng.random_range(0..4) {
                0 => b'<',
                1 => b'"',
                2 => b'{',
                _ => rng.random(),
            };
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn damaged_files_never_make_an_importer_panic() {
    let seconds: u64 = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2);
    let files = real_files();
    let seed: u64 = std::env::var("IMPORT_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(22);
    let mut rng = rand_pcg::Pcg64::seed_from_u64(seed);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut cases = 0u64;
    // Every file whole and at least once damaged, then as time allows.
    while cases < 2 * files.len() as u64 || Instant::now() < deadline {
        let (foreign, path, text) = &files[cases as usize % files.len()];
        let input = if cases < files.len() as u64 {
            text.clone()
        } else {
            damaged(text, &mut rng)
        };
        let result =
            std::panic::catch_unwind(|| interchange::import(*foreign, path, input.clone()));
        if result.is_err() {
            let kept = std::env::temp_dir().join(format!(
                "planc-import-panic-{cases}.{}",
                path.extension().and_then(|e| e.to_str()).unwrap_or("txt")
            ));
            let _ = std::fs::write(&kept, &input);
            panic!(
                "importing a damaged {} panicked (seed {seed}, case {cases}); the input is in {}",
                path.display(),
                kept.display()
            );
        }
        cases += 1;
    }
    eprintln!("{cases} imports of damaged files, none panicked");
}
