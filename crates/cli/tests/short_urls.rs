//! `--resolve-short-urls`: shortened links in a synthetic backup's SMS are expanded against a
//! local server standing in for the shortening services (TRACEHOUND_SHORTENER_HOSTS maps the
//! shortener hosts to it); an expansion to an indicator domain is a critical alert, info.json
//! lists every URL contacted, the per-request timeout and the cap hold, and without the flag
//! no connection is made.

mod common;

use common::*;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const STIX: &str = r#"{"type": "bundle", "id": "bundle--1", "objects": [
 {"type": "malware", "spec_version": "2.1", "id": "malware--1", "name": "ShortTest",
  "is_family": false},
 {"type": "indicator", "spec_version": "2.1", "id": "indicator--1",
  "pattern": "[domain-name:value='evil.example.net']", "pattern_type": "stix"},
 {"type": "relationship", "spec_version": "2.1", "id": "relationship--1",
  "relationship_type": "indicates", "source_ref": "indicator--1", "target_ref": "malware--1"}
]}"#;

/// A backup with an sms.db holding `texts` (Manifest.db lists it).
fn backup(dir: &Path, texts: &[&str]) {
    fs_mkdir(dir);
    let id = "3d0d7e5fb2ce288813306e4d4636395e047a3d28";
    let sub = dir.join(&id[..2]);
    fs_mkdir(&sub);
    let db = sub.join(id);
    {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.execute_batch(
            "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id TEXT NOT NULL, service TEXT);
             CREATE TABLE message (ROWID INTEGER PRIMARY KEY, guid TEXT, text TEXT,
               handle_id INTEGER, service TEXT, date INTEGER, is_from_me INTEGER);
             INSERT INTO handle VALUES (1, '+15555550100', 'SMS');",
        )
        .unwrap();
        for (i, t) in texts.iter().enumerate() {
            c.execute(
                "INSERT INTO message VALUES (?1, ?2, ?3, 1, 'SMS', 690000000000000000, 0)",
                rusqlite::params![i as i64 + 1, format!("G{i}"), t],
            )
            .unwrap();
        }
    }
    let c = rusqlite::Connection::open(dir.join("Manifest.db")).unwrap();
    c.execute_batch(
        "CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT,
           flags INTEGER, file BLOB);",
    )
    .unwrap();
    c.execute(
        "INSERT INTO Files VALUES (?1, 'HomeDomain', 'Library/SMS/sms.db', 1, NULL)",
        [id],
    )
    .unwrap();
}

fn fs_mkdir(p: &Path) {
    std::fs::create_dir_all(p).unwrap();
}

/// A local stand-in for shortening services; answers by path, records what it was asked.
struct Server {
    port: u16,
    seen: Arc<Mutex<Vec<String>>>,
    conns: Arc<AtomicUsize>,
}

fn server() -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let conns = Arc::new(AtomicUsize::new(0));
    let (s, n) = (seen.clone(), conns.clone());
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            n.fetch_add(1, Ordering::SeqCst);
            let s = s.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(conn.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
                        break;
                    }
                }
                s.lock().unwrap().push(line.trim().to_string());
                let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
                let answer = |status: &str, location: Option<&str>| {
                    let loc = location.map_or(String::new(), |l| format!("Location: {l}\r\n"));
                    format!(
                        "HTTP/1.1 {status}\r\n{loc}Content-Length: 0\r\nConnection: close\r\n\r\n"
                    )
                };
                let reply = match path.as_str() {
                    "/abc" => answer(
                        "301 Moved Permanently",
                        Some("https://evil.example.net/landing"),
                    ),
                    "/hop" => answer("302 Found", Some("http://second.test/def")),
                    "/def" => answer(
                        "301 Moved Permanently",
                        Some("https://sub.evil.example.net/p?x=1"),
                    ),
                    "/benign" => answer("301 Moved Permanently", Some("https://example.org/page")),
                    "/slow" => {
                        std::thread::sleep(Duration::from_secs(4));
                        answer(
                            "301 Moved Permanently",
                            Some("https://evil.example.net/late"),
                        )
                    }
                    _ => answer("200 OK", None),
                };
                let _ = conn.write_all(reply.as_bytes());
            });
        }
    });
    Server { port, seen, conns }
}

const TEXTS: [&str; 5] = [
    "Your parcel: http://short.test/abc",
    "Track it https://short.test/hop.",
    "slow one http://short.test/slow and a plain https://example.org/x",
    "http://short.test/benign",
    "nothing http://short.test/plain",
];

fn run(dir: &Path, out: &Path, port: u16, extra: &[&str]) -> std::process::Output {
    let stix = dir.join("i.stix2");
    std::fs::write(&stix, STIX).unwrap();
    let mut c = tracehound();
    c.args(["ios", "check-backup"])
        .arg(dir.join("backup"))
        .arg("--iocs")
        .arg(&stix)
        .arg("--output")
        .arg(out)
        .args(extra)
        .env(
            "TRACEHOUND_SHORTENER_HOSTS",
            format!("short.test=127.0.0.1:{port},second.test=127.0.0.1:{port}"),
        );
    for v in PROXY_VARS {
        c.env_remove(v);
    }
    c.output().unwrap()
}

#[test]
fn expands_short_links_and_alerts_on_indicator_targets() {
    let srv = server();
    let tmp = tempfile::tempdir().unwrap();
    backup(&tmp.path().join("backup"), &TEXTS);
    let out = tmp.path().join("out");
    let started = std::time::Instant::now();
    let html = tmp.path().join("report.html");
    let html_arg = html.display().to_string();
    let o = run(
        tmp.path(),
        &out,
        srv.port,
        &[
            "--resolve-short-urls",
            "--resolve-short-urls-timeout",
            "1",
            "--report",
            &html_arg,
        ],
    );
    let elapsed = started.elapsed();
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stdout}\n{stderr}");
    let all = format!("{stdout}{stderr}");
    assert!(all.contains("going ONLINE"), "{all}");
    // The slow link costs its 1 s timeout, not the server's 4 s.
    assert!(elapsed < Duration::from_secs(30), "{elapsed:?}");

    let info = read_json(&out.join("info.json"));
    let short = info["short_urls"]
        .as_array()
        .expect("short_urls in info.json");
    let by_url = |u: &str| {
        short
            .iter()
            .find(|e| e["url"] == u)
            .unwrap_or_else(|| panic!("{u} not in {short:?}"))
            .clone()
    };
    assert_eq!(short.len(), 5, "{short:?}");
    assert_eq!(
        by_url("http://short.test/abc")["expanded_url"],
        "https://evil.example.net/landing"
    );
    let hop = by_url("https://short.test/hop");
    assert_eq!(hop["expanded_url"], "https://sub.evil.example.net/p?x=1");
    assert_eq!(
        hop["contacted"],
        serde_json::json!(["https://short.test/hop", "http://second.test/def"])
    );
    let slow = by_url("http://short.test/slow");
    assert!(slow["expanded_url"].is_null());
    assert!(
        slow["error"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("time"),
        "{slow}"
    );
    assert_eq!(
        by_url("http://short.test/benign")["expanded_url"],
        "https://example.org/page"
    );
    assert!(by_url("http://short.test/plain")["error"]
        .as_str()
        .unwrap()
        .contains("no redirect"));
    // The link to a non-shortener is never contacted.
    let seen = srv.seen.lock().unwrap().clone();
    assert!(seen.iter().all(|l| l.starts_with("HEAD ")), "{seen:?}");
    assert!(!seen.iter().any(|l| l.contains("/x ")), "{seen:?}");

    let detected = read_json(&out.join("sms_detected.json"));
    let text = detected.to_string();
    assert!(
        text.contains(
            "Shortened URL \\\"http://short.test/abc\\\" expands to \\\"https://evil.example.net/landing\\\", matching indicator \\\"evil.example.net\\\""
        ),
        "{text}"
    );
    assert!(
        text.contains("expands to \\\"https://sub.evil.example.net/p?x=1\\\""),
        "{text}"
    );
    assert!(!text.contains("example.org/page"), "{text}");
    assert_eq!(info["detections"]["CRITICAL"], 2, "{info}");
    // urls.json gives each message link with where it led.
    let urls = read_json(&out.join("urls.json"));
    let entry = urls
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["url"] == "http://short.test/abc")
        .unwrap_or_else(|| panic!("{urls}"));
    assert_eq!(entry["expanded_url"], "https://evil.example.net/landing");
    assert_eq!(entry["source"], "sms");
    // The report says the run went online, and for what.
    let report = std::fs::read_to_string(&html).unwrap();
    assert!(
        report.contains(
            "online for --resolve-short-urls: 3 of 5 shortened links expanded, 6 URLs contacted"
        ),
        "network line missing from the report"
    );
}

#[test]
fn cap_limits_the_links_contacted() {
    let srv = server();
    let tmp = tempfile::tempdir().unwrap();
    backup(&tmp.path().join("backup"), &TEXTS);
    let out = tmp.path().join("out");
    let o = run(
        tmp.path(),
        &out,
        srv.port,
        &["--resolve-short-urls", "--resolve-short-urls-max", "1"],
    );
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(srv.conns.load(Ordering::SeqCst), 1);
    let info = read_json(&out.join("info.json"));
    let short = info["short_urls"].as_array().unwrap();
    assert_eq!(short.len(), 5);
    assert_eq!(short[0]["url"], "http://short.test/abc");
    assert_eq!(short[0]["expanded_url"], "https://evil.example.net/landing");
    for e in &short[1..] {
        assert!(e["contacted"].as_array().unwrap().is_empty(), "{e}");
        assert!(e["error"].as_str().unwrap().contains("cap"), "{e}");
    }
}

#[test]
fn without_the_flag_nothing_is_contacted() {
    let srv = server();
    let tmp = tempfile::tempdir().unwrap();
    backup(&tmp.path().join("backup"), &TEXTS);
    let out = tmp.path().join("out");
    let html = tmp.path().join("report.html");
    let html_arg = html.display().to_string();
    let o = run(tmp.path(), &out, srv.port, &["--report", &html_arg]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let report = std::fs::read_to_string(&html).unwrap();
    assert!(report.contains("offline (no network access)"));
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(srv.conns.load(Ordering::SeqCst), 0);
    let info = read_json(&out.join("info.json"));
    assert!(info.get("short_urls").is_none(), "{info}");
    assert!(!String::from_utf8_lossy(&o.stdout).contains("ONLINE"));
}

#[test]
fn options_need_the_flag() {
    let mut c = tracehound();
    c.args(["ios", "check-backup", "x", "--resolve-short-urls-max", "3"]);
    let o = c.output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{o:?}");
}
