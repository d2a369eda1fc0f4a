//! Checks are offline: no command but `iocs update` opens a network connection. Each command
//! runs with every proxy variable pointing at a local listener that counts connections (a
//! client that went online would go through it), and, where strace is installed and may
//! trace, under `strace -f -e trace=connect` with no AF_INET/AF_INET6 connect allowed.

use assert_cmd::cargo::CommandCargoExt;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

const PROXY_VARS: [&str; 6] = [
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
];

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/sample-backup")
}

/// The commands that must stay offline, as argument lists.
fn commands(out: &Path) -> Vec<Vec<String>> {
    let s = sample().display().to_string();
    let o = out.display().to_string();
    [
        vec![
            "check",
            &s,
            "--json",
            "--output",
            &o,
            "--timeline-format",
            "both",
        ],
        vec!["ios", "check-backup", &s, "--hashes"],
        vec!["iocs", "list"],
        vec!["iocs", "match", "evil.example", "https://evil.example/x"],
        vec!["man"],
        vec!["completions", "bash"],
    ]
    .into_iter()
    .map(|v| v.into_iter().map(String::from).collect())
    .collect()
}

fn command(args: &[String], data: &Path, proxy: &str) -> Command {
    let mut c = Command::cargo_bin("tracehound").unwrap();
    c.args(args)
        .env_remove("TRACEHOUND_IOCS")
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .env("TRACEHOUND_DATA_DIR", data)
        .env("NO_COLOR", "1");
    for v in PROXY_VARS {
        c.env(v, proxy);
    }
    c
}

#[test]
fn checks_open_no_connection_through_a_proxy() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    let seen = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    let (s, d) = (seen.clone(), done.clone());
    let watcher = std::thread::spawn(move || {
        // Bounded: stops when told, or after two minutes.
        for _ in 0..1200 {
            if let Ok((conn, _)) = listener.accept() {
                s.fetch_add(1, Ordering::SeqCst);
                drop(conn);
            }
            if d.load(Ordering::SeqCst) == 1 {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    });
    let data = tempfile::tempdir().unwrap();
    let proxy = format!("http://127.0.0.1:{port}");
    for (i, args) in commands(&data.path().join("out")).iter().enumerate() {
        let args: Vec<String> = args
            .iter()
            .map(|a| a.replace("/out", &format!("/out{i}")))
            .collect();
        let out = command(&args, data.path(), &proxy).output().unwrap();
        assert!(
            matches!(out.status.code(), Some(0) | Some(1)),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    std::thread::sleep(Duration::from_millis(300));
    done.store(1, Ordering::SeqCst);
    watcher.join().unwrap();
    assert_eq!(
        seen.load(Ordering::SeqCst),
        0,
        "a command went through the proxy"
    );
}

#[test]
fn checks_call_no_inet_connect_under_strace() {
    let probe = Command::new("strace")
        .args(["-f", "-e", "trace=connect", "-o", "/dev/null", "true"])
        .output();
    match probe {
        Ok(o) if o.status.success() => {}
        Ok(o) => {
            eprintln!(
                "SKIPPED: strace cannot trace here: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            return;
        }
        Err(_) => {
            eprintln!("SKIPPED: strace is not installed");
            return;
        }
    }
    let bin = assert_cmd::cargo::cargo_bin("tracehound");
    let data = tempfile::tempdir().unwrap();
    for (i, args) in commands(&data.path().join("out")).iter().enumerate() {
        let trace = data.path().join(format!("trace{i}.txt"));
        let mut c = Command::new("strace");
        c.args(["-f", "-e", "trace=connect", "-o"])
            .arg(&trace)
            .arg(&bin);
        c.args(args.iter().map(|a| a.replace("/out", &format!("/out{i}"))))
            .env_remove("TRACEHOUND_IOCS")
            .env("TRACEHOUND_DATA_DIR", data.path())
            .env("NO_COLOR", "1");
        let out = c.output().unwrap();
        assert!(matches!(out.status.code(), Some(0) | Some(1)), "{args:?}");
        let log = std::fs::read_to_string(&trace).unwrap();
        let inet: Vec<&str> = log.lines().filter(|l| l.contains("AF_INET")).collect();
        assert!(inet.is_empty(), "{args:?} connected: {inet:?}");
    }
}
