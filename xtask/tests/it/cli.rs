//! The `cargo xtask upstream` command line, run as a process in a scratch workspace (its own
//! `specs/`): exit codes, the report, a record that is deterministic and written whole, one-line
//! errors naming the file for unreadable input, and the fetch path against a loopback server.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::mpsc;
use std::thread;

use crate::{fixture, fixture_path};

/// A scratch workspace whose curated spec is the OpenAPI fixture and whose `[lantern]` source
/// points at a port nothing listens on (a test overrides it with `--url` or `--from`).
fn workspace(spec: &str) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    std::fs::write(
        root.path().join("Cargo.toml"),
        "[workspace]\nmembers = []\n",
    )
    .unwrap();
    std::fs::create_dir_all(root.path().join("specs")).unwrap();
    std::fs::write(root.path().join("specs/lantern.yaml"), spec).unwrap();
    std::fs::write(
        root.path().join("specs/upstream.toml"),
        "# The scratch provider.\n[lantern]\nurl = \"http://127.0.0.1:9/never\"\nreader = \"openapi\"\nstyle = \"redocly\"\noperation = \"POST /v1/members\"\n",
    )
    .unwrap();
    root
}

/// Runs the xtask binary in `root` with `args`.
fn xtask(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env("CARGO_MANIFEST_DIR", root)
        .output()
        .unwrap()
}

/// Stdout and stderr as text.
fn texts(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Writes `text` to `name` in `root`; returns its path as an argument.
fn write(root: &Path, name: &str, text: &str) -> String {
    let path: PathBuf = root.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn record_then_check_says_no_drift_and_recording_twice_writes_the_same_bytes() {
    let root = workspace(&fixture("openapi.yaml"));
    let from = fixture_path("openapi.yaml").display().to_string();
    let output = xtask(
        root.path(),
        &[
            "upstream",
            "check",
            "lantern",
            "--from",
            &from,
            "--fail-on-drift",
        ],
    );
    let (stdout, _) = texts(&output);
    assert_eq!(
        output.status.code(),
        Some(1),
        "no snapshot yet is drift:\n{stdout}"
    );
    assert!(stdout.contains("no snapshot recorded"), "{stdout}");

    let output = xtask(
        root.path(),
        &["upstream", "record", "lantern", "--from", &from],
    );
    assert!(output.status.success(), "{:?}", texts(&output));
    let snapshot = root.path().join("specs/upstream/lantern.facts.json");
    let first = std::fs::read(&snapshot).unwrap();
    let output = xtask(
        root.path(),
        &["upstream", "record", "lantern", "--from", &from],
    );
    assert!(output.status.success());
    assert_eq!(std::fs::read(&snapshot).unwrap(), first);
    let leftovers: Vec<_> = std::fs::read_dir(root.path().join("specs/upstream"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");

    let output = xtask(
        root.path(),
        &[
            "upstream",
            "check",
            "lantern",
            "--from",
            &from,
            "--fail-on-drift",
        ],
    );
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("No drift."), "{stdout}");
    assert!(stdout.contains("### Changed upstream (0)"), "{stdout}");
    assert!(
        stdout.contains("### The curated spec disagrees (0)"),
        "{stdout}"
    );
}

#[test]
fn a_change_upstream_fails_the_check_only_with_fail_on_drift() {
    let root = workspace(&fixture("openapi.yaml"));
    let from = fixture_path("openapi.yaml").display().to_string();
    assert!(
        xtask(
            root.path(),
            &["upstream", "record", "lantern", "--from", &from]
        )
        .status
        .success()
    );
    let edited = write(
        root.path(),
        "edited.yaml",
        &fixture("openapi.yaml").replace("maxLength: 20", "maxLength: 16"),
    );
    let output = xtask(
        root.path(),
        &["upstream", "check", "lantern", "--from", &edited],
    );
    let (stdout, _) = texts(&output);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    let line = "- `request body handle`: length `3..20` → `3..16`";
    assert_eq!(
        stdout.matches(line).count(),
        2,
        "both parts name it:\n{stdout}"
    );
    assert!(
        stdout.contains("Drift: 1 change(s) upstream, 1 disagreement(s)"),
        "{stdout}"
    );
    let output = xtask(
        root.path(),
        &[
            "upstream",
            "check",
            "lantern",
            "--from",
            &edited,
            "--fail-on-drift",
        ],
    );
    let (_, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("drifted"), "{stderr}");
}

#[test]
fn a_disagreement_the_spec_marks_as_curated_is_listed_apart_and_does_not_fail() {
    let spec = fixture("openapi.yaml").replace(
        "          maxLength: 12\n",
        "          maxLength: 10\n          x-inferred: true\n",
    );
    let root = workspace(&spec);
    let from = fixture_path("openapi.yaml").display().to_string();
    assert!(
        xtask(
            root.path(),
            &["upstream", "record", "lantern", "--from", &from]
        )
        .status
        .success()
    );
    let output = xtask(
        root.path(),
        &[
            "upstream",
            "check",
            "lantern",
            "--from",
            &from,
            "--fail-on-drift",
        ],
    );
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(0), "{stdout}{stderr}");
    assert!(
        stdout.contains("### The curated spec disagrees (0)"),
        "{stdout}"
    );
    assert!(stdout.contains("**Curated** (1)"), "{stdout}");
    assert!(
        stdout.contains("- `request body referralCode`: length `..10` → `..12`"),
        "{stdout}"
    );
}

#[test]
fn the_page_text_reader_is_chosen_on_the_command_line() {
    let root = workspace(&fixture("openapi.yaml"));
    let from = fixture_path("redocly.txt").display().to_string();
    let output = xtask(
        root.path(),
        &[
            "upstream",
            "check",
            "lantern",
            "--from",
            &from,
            "--reader",
            "page-text",
        ],
    );
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    // The page shows fields the spec does not have, and the spec disagrees on nothing else.
    assert!(
        stdout.contains("- `request body labels`: only upstream (object)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("- `response 201 links`: only upstream (array)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("### The curated spec disagrees (2)"),
        "{stdout}"
    );
}

#[test]
fn unreadable_input_is_one_line_naming_the_file_and_a_failure() {
    let root = workspace(&fixture("openapi.yaml"));
    let cases = [
        (
            "broken.yaml",
            "openapi: 3.0.3\npaths: [1, 2\n",
            "openapi",
            "line",
        ),
        (
            "broken.json",
            "{\"openapi\": \"3.1.0\", \"paths\": ",
            "openapi",
            "line",
        ),
        ("empty.txt", "", "page-text", "line 1"),
        (
            "words.txt",
            "nothing that\nlooks like a page\n",
            "page-text",
            "line 1",
        ),
    ];
    for (name, text, reader, place) in cases {
        let path = write(root.path(), name, text);
        let output = xtask(
            root.path(),
            &[
                "upstream", "check", "lantern", "--from", &path, "--reader", reader,
            ],
        );
        let (stdout, stderr) = texts(&output);
        assert_eq!(output.status.code(), Some(1), "{name}: {stdout}{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{name}: {stderr}");
        assert!(
            stderr.starts_with(&format!("error: {path}: ")),
            "{name}: {stderr}"
        );
        assert!(stderr.contains(place), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(stdout.is_empty(), "{name}: {stdout}");
    }
    let not_utf8 = root.path().join("binary.txt");
    std::fs::write(&not_utf8, [b'a', 0xff, 0xfe]).unwrap();
    let output = xtask(
        root.path(),
        &[
            "upstream",
            "record",
            "lantern",
            "--from",
            &not_utf8.display().to_string(),
        ],
    );
    let (_, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("byte 1: not UTF-8"), "{stderr}");
    assert!(
        !root.path().join("specs/upstream").exists(),
        "a failed record writes nothing"
    );
    let missing = xtask(root.path(), &["upstream", "check", "nobody", "--from", "x"]);
    assert_eq!(missing.status.code(), Some(1));
    let usage = xtask(
        root.path(),
        &["upstream", "check", "lantern", "--reader", "html"],
    );
    assert_eq!(usage.status.code(), Some(2));
}

/// Serves `responses` (status line and body), one per connection, on a loopback port; sends
/// each request line received.
fn serve(responses: Vec<(&'static str, String)>) -> (u16, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        for (status, body) in responses {
            let Ok((mut stream, _)) = listener.accept() else {
                return;
            };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap();
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap() == 0 || header == "\r\n" {
                    break;
                }
            }
            let _ = sender.send(request_line.trim().to_owned());
            let response = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/yaml\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(response.as_bytes()).unwrap();
        }
    });
    (port, receiver)
}

#[test]
fn the_configured_source_is_fetched_over_http() {
    let root = workspace(&fixture("openapi.yaml"));
    let document = fixture("openapi.yaml");
    let (port, requests) = serve(vec![
        ("200 OK", document.clone()),
        ("200 OK", document),
        ("404 Not Found", "gone".into()),
    ]);
    let url = format!("http://127.0.0.1:{port}/reference/openapi.yaml");
    let output = xtask(
        root.path(),
        &["upstream", "record", "lantern", "--url", &url],
    );
    assert!(output.status.success(), "{:?}", texts(&output));
    assert_eq!(
        requests.recv().unwrap(),
        "GET /reference/openapi.yaml HTTP/1.1"
    );
    let output = xtask(
        root.path(),
        &[
            "upstream",
            "check",
            "lantern",
            "--url",
            &url,
            "--fail-on-drift",
        ],
    );
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains(&format!("Source: {url}.")), "{stdout}");
    assert!(stdout.contains("No drift."), "{stdout}");
    let output = xtask(
        root.path(),
        &["upstream", "check", "lantern", "--url", &url],
    );
    let (_, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stderr.trim(), format!("error: {url}: HTTP 404 Not Found"));
}

#[test]
fn a_snapshot_read_another_way_is_said_so() {
    let root = workspace(&fixture("openapi.yaml"));
    let page = fixture_path("redocly.txt").display().to_string();
    let document = fixture_path("openapi.yaml").display().to_string();
    let record = [
        "upstream",
        "record",
        "lantern",
        "--from",
        &page,
        "--reader",
        "page-text",
    ];
    assert!(xtask(root.path(), &record).status.success());
    let snapshot =
        std::fs::read_to_string(root.path().join("specs/upstream/lantern.facts.json")).unwrap();
    assert!(
        snapshot.contains("\"reader\": \"page-text redocly\""),
        "{snapshot}"
    );
    let output = xtask(
        root.path(),
        &["upstream", "check", "lantern", "--from", &document],
    );
    let (stdout, _) = texts(&output);
    assert!(
        stdout.contains(
            "The snapshot was read with `page-text redocly`, today's source with `openapi`"
        ),
        "{stdout}"
    );
    let output = xtask(
        root.path(),
        &[
            "upstream",
            "check",
            "lantern",
            "--from",
            &page,
            "--reader",
            "page-text",
        ],
    );
    let (stdout, _) = texts(&output);
    assert!(!stdout.contains("The snapshot was read with"), "{stdout}");
    assert!(stdout.contains("### Changed upstream (0)"), "{stdout}");
}
