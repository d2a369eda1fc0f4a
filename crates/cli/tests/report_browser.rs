//! The HTML report in a real browser: headless Chromium (Debian's `chromium` and
//! `chromium-driver`, which `.ci/run` installs) opens the report of the infected sample backup
//! and of a backup whose SMS carries markup, through chromedriver on 127.0.0.1. Prints SKIPPED
//! when Chromium is not installed. Screenshots go to the test's temporary folder, and are
//! copied to `$TRACEHOUND_BROWSER_ARTIFACTS` when it is set.

mod browser;
mod common;

use browser::webdriver::{unavailable, Browser};
use common::{read_json, test_stix, tracehound};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn sample_backup() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/sample-backup")
}

fn skip() -> bool {
    match unavailable() {
        Some(why) => {
            println!("SKIPPED: browser test: {why}");
            true
        }
        None => false,
    }
}

fn keep(shot: &Path) {
    if let Some(dir) = std::env::var_os("TRACEHOUND_BROWSER_ARTIFACTS") {
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(shot, dir.join(shot.file_name().unwrap())).unwrap();
    }
    println!("screenshot: {}", shot.display());
}

/// Checks `backup` with `--report`; returns (results folder, report).
fn check_with_report(backup: &Path, tmp: &Path, extra: &[&str]) -> (PathBuf, PathBuf) {
    let out = tmp.join("results");
    let report = tmp.join("report.html");
    let started = Instant::now();
    tracehound()
        .arg("check")
        .arg(backup)
        .arg("--iocs")
        .arg(test_stix())
        .arg("--output")
        .arg(&out)
        .arg("--report")
        .arg(&report)
        .args(extra)
        .assert()
        .code(1);
    println!(
        "check with --report: {:.2} s, report {} bytes",
        started.elapsed().as_secs_f64(),
        std::fs::metadata(&report).unwrap().len()
    );
    (out, report)
}

fn open(tmp: &Path, report: &Path) -> Browser {
    let started = Instant::now();
    let b = Browser::start(&tmp.join("profile"), 1400, 2400);
    println!("browser start: {:.2} s", started.elapsed().as_secs_f64());
    let started = Instant::now();
    b.goto(&format!("file://{}", report.display()));
    b.wait_for(
        "return document.body.getAttribute('data-ready') === '1'",
        30,
    );
    println!(
        "report load until the timeline is drawn: {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
    b
}

fn count_text(b: &Browser) -> String {
    b.text(&b.find("#tl-count"))
}

#[test]
fn infected_sample_report_in_chromium() {
    if skip() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (out, report) = check_with_report(&sample_backup(), tmp.path(), &[]);
    let alerts = read_json(&out.join("alerts.json"));
    let alerts = alerts.as_array().unwrap();
    let critical = alerts.iter().filter(|a| a["level"] == "CRITICAL").count();
    assert!(critical > 0);
    let b = open(tmp.path(), &report);

    assert_eq!(b.title(), "tracehound report: indicators matched");
    let headline = b.text(&b.find("#verdict-headline"));
    assert_eq!(
        headline,
        format!("Traces matching known spyware indicators were found: {critical} matches")
    );
    let not_checked = b.text(&b.find("#not-checked"));
    assert!(
        not_checked.contains("What could not be checked"),
        "{not_checked}"
    );
    let levels = b.text(&b.find("#levels tr[data-level=CRITICAL]"));
    assert!(levels.contains(&critical.to_string()), "{levels}");

    // One card per alert, each with the alert's message; indicator cards name malware and bundle.
    let cards = b.find_all("article.det");
    assert_eq!(cards.len(), alerts.len());
    let mut shown: Vec<String> = cards.iter().map(|c| b.text(c)).collect();
    for a in alerts {
        let msg = a["message"].as_str().unwrap();
        let i = shown
            .iter()
            .position(|c| c.contains(msg))
            .unwrap_or_else(|| panic!("no card for {msg}"));
        let card = shown.remove(i);
        assert!(card.contains(a["level"].as_str().unwrap()));
        if a["matched_indicator"].is_object() {
            assert!(
                card.contains("TestMalware") && card.contains("test.stix2"),
                "{card}"
            );
        }
    }
    let first_card = b.text(&b.find("article.det"));
    assert!(
        first_card.starts_with("CRITICAL"),
        "most severe first: {first_card}"
    );

    // The timeline: every event embedded, 100 a page.
    let total = b.exec(
        "return JSON.parse(document.getElementById('th-data').textContent).events.length",
        json!([]),
    );
    let total = total.as_u64().unwrap() as usize;
    let csv_rows = std::fs::read_to_string(out.join("timeline.csv"))
        .unwrap()
        .lines()
        .count()
        - 1;
    assert_eq!(
        total,
        csv_rows + alerts.len(),
        "timeline events plus one entry per alert"
    );
    let rows = |b: &Browser| b.find_all("#tl-body tr").len();
    assert_eq!(rows(&b), total.min(100));
    let all = count_text(&b);
    assert!(
        all.starts_with(&format!("Events 1–100 of {}", total)),
        "{all}"
    );

    // Text filter.
    let started = Instant::now();
    b.type_into(&b.find("#tl-text"), "example.org");
    b.wait_for(
        "return document.getElementById('tl-count').textContent.indexOf('matching') >= 0",
        10,
    );
    let filter_ms = started.elapsed().as_secs_f64() * 1000.0;
    let matching = rows(&b);
    assert!(matching > 0 && matching < total, "{matching} of {total}");
    for r in b.find_all("#tl-body tr") {
        assert!(b.text(&r).to_lowercase().contains("example.org"));
    }
    println!(
        "text filter 'example.org': {matching} of {total} events, {filter_ms:.0} ms (150 ms debounce included)"
    );

    // Level filter: CRITICAL only (alerts and the events they are about).
    b.click(&b.find("#tl-clear"));
    b.click(&b.find("#tl-level option[value='5']"));
    let crit_rows: Vec<String> = b
        .find_all("#tl-body tr")
        .iter()
        .map(|r| b.text(r))
        .collect();
    assert!(crit_rows.len() >= critical, "{crit_rows:?}");
    assert_eq!(
        crit_rows.iter().filter(|r| r.contains("CRITICAL")).count(),
        critical,
        "one ALERT entry per CRITICAL alert"
    );

    // Module filter.
    b.click(&b.find("#tl-clear"));
    let sms = b.exec(
        "var o = Array.prototype.find.call(document.querySelectorAll('#tl-module option'), \
         function (o) { return o.textContent === 'SMS'; }); return o ? o.value : null;",
        json!([]),
    );
    let sms = sms.as_str().expect("an SMS module option").to_string();
    b.click(&b.find(&format!("#tl-module option[value='{sms}']")));
    for r in b.find_all("#tl-body tr") {
        assert!(b.text(&r).contains("SMS"));
    }

    // Zoom on the first detection's time window.
    b.click(&b.find("article.det button.zoom"));
    let window = b.text(&b.find("#tl-window"));
    assert!(
        window.starts_with("Time window: ±1 hour around"),
        "{window}"
    );
    assert!(
        !b.find_all("#tl-body tr.focus").is_empty(),
        "the detection's events stand out"
    );
    let zoomed = b.find_all("#tl-body tr").len();
    assert!(zoomed > 0 && zoomed < total);
    keep(&b.screenshot(&tmp.path().join("report-timeline-zoom.png")));

    b.click(&b.find("#tl-clear"));
    b.exec("window.scrollTo(0, 0)", json!([]));
    keep(&b.screenshot(&tmp.path().join("report-top.png")));
    println!(
        "checked: title, verdict, {} detection cards, {} timeline events, text/level/module filters, zoom ({zoomed} events)",
        alerts.len(),
        total
    );
}

/// A copy of the sample backup whose first SMS and its handle carry markup. `sms.db` is stored
/// with its `-wal`: both are opened together (SQLite replays the WAL), changed, checkpointed,
/// and stored back as one database without a WAL.
fn backup_with_markup(tmp: &Path, body: &str, handle: &str) -> PathBuf {
    let dir = tmp.join("backup");
    common::copy_tree(&sample_backup(), &dir);
    let manifest = rusqlite::Connection::open(dir.join("Manifest.db")).unwrap();
    let stored = |path: &str| -> Option<PathBuf> {
        manifest
            .query_row(
                "SELECT fileID FROM Files WHERE domain = 'HomeDomain' AND relativePath = ?1",
                [path],
                |r| r.get::<_, String>(0),
            )
            .ok()
            .map(|id| dir.join(&id[..2]).join(&id))
    };
    let db_file = stored("Library/SMS/sms.db").expect("sms.db in the sample");
    let wal_file = stored("Library/SMS/sms.db-wal");
    let work = tmp.join("sms-edit");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::copy(&db_file, work.join("sms.db")).unwrap();
    if let Some(wal) = &wal_file {
        std::fs::copy(wal, work.join("sms.db-wal")).unwrap();
    }
    {
        let db = rusqlite::Connection::open(work.join("sms.db")).unwrap();
        let first = "(SELECT MIN(ROWID) FROM message)";
        db.execute(
            &format!("UPDATE message SET text = ?1 WHERE ROWID = {first}"),
            [body],
        )
        .unwrap();
        db.execute(
            &format!(
                "UPDATE handle SET id = ?1 WHERE ROWID = (SELECT handle_id FROM message \
                 WHERE ROWID = {first})"
            ),
            [handle],
        )
        .unwrap();
        db.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;")
            .unwrap();
    }
    std::fs::copy(work.join("sms.db"), &db_file).unwrap();
    if let Some(wal) = wal_file {
        std::fs::remove_file(wal).unwrap();
        manifest
            .execute(
                "DELETE FROM Files WHERE relativePath = 'Library/SMS/sms.db-wal'",
                [],
            )
            .unwrap();
    }
    dir
}

#[test]
fn message_markup_shows_as_text_in_chromium() {
    if skip() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let body = "<script>document.title='pwned'</script> see https://example.org/pwn";
    let handle = "<img src=x onerror=\"document.title='pwned2'\"></script><!--";
    let backup = backup_with_markup(tmp.path(), body, handle);
    let (_, report) = check_with_report(&backup, tmp.path(), &[]);
    let b = open(tmp.path(), &report);
    assert_eq!(b.title(), "tracehound report: indicators matched");
    assert_eq!(
        b.exec("return document.querySelectorAll('img').length", json!([])),
        json!(0)
    );
    assert_eq!(
        b.exec("return document.scripts.length", json!([])),
        json!(2),
        "only the data and the report's own script"
    );
    // The SMS's detection card shows the body as text.
    let card = b
        .find_all("article.det")
        .into_iter()
        .map(|c| b.text(&c))
        .find(|t| t.contains("https://example.org/pwn\""))
        .expect("a detection for the planted link");
    assert!(card.contains(body), "{card}");
    assert!(card.contains(handle), "{card}");
    // And so does the timeline.
    b.type_into(&b.find("#tl-text"), "pwned");
    b.wait_for(
        "return document.getElementById('tl-count').textContent.indexOf('matching') >= 0",
        10,
    );
    let rows: Vec<String> = b
        .find_all("#tl-body tr")
        .iter()
        .map(|r| b.text(r))
        .collect();
    assert!(rows.iter().any(|r| r.contains(body)), "{rows:?}");
    assert_eq!(b.title(), "tracehound report: indicators matched");
    keep(&b.screenshot(&tmp.path().join("report-markup.png")));
}

/// Load and filter times of a large report, e.g. of `cargo xtask gen-ios-backup --scale 100000`
/// checked with `--report`: `TRACEHOUND_BROWSER_REPORT=FILE.html cargo test -p tracehound
/// --test report_browser -- --ignored --nocapture`.
#[test]
#[ignore = "needs TRACEHOUND_BROWSER_REPORT=FILE.html"]
fn large_report_stays_responsive() {
    let Some(report) = std::env::var_os("TRACEHOUND_BROWSER_REPORT") else {
        println!("SKIPPED: set TRACEHOUND_BROWSER_REPORT");
        return;
    };
    if skip() {
        return;
    }
    let report = PathBuf::from(report);
    println!(
        "report: {} bytes",
        std::fs::metadata(&report).unwrap().len()
    );
    let tmp = tempfile::tempdir().unwrap();
    let b = open(tmp.path(), &report);
    let total = b.exec(
        "return JSON.parse(document.getElementById('th-data').textContent).events.length",
        json!([]),
    );
    println!("timeline events: {total}");
    let started = Instant::now();
    b.type_into(&b.find("#tl-text"), "example.org");
    b.wait_for(
        "return document.getElementById('tl-count').textContent.indexOf('matching') >= 0",
        60,
    );
    println!(
        "first text filter (builds the search index): {:.0} ms: {}",
        started.elapsed().as_secs_f64() * 1000.0,
        count_text(&b)
    );
    let started = Instant::now();
    b.click(&b.find("#tl-level option[value='1']"));
    println!(
        "level filter: {:.0} ms: {}",
        started.elapsed().as_secs_f64() * 1000.0,
        count_text(&b)
    );
    let started = Instant::now();
    b.click(&b.find("article.det button.zoom"));
    println!(
        "zoom on a detection: {:.0} ms: {}",
        started.elapsed().as_secs_f64() * 1000.0,
        count_text(&b)
    );
    keep(&b.screenshot(&tmp.path().join("report-large.png")));
}
