//! `tracehound iocs update | list | match` against a local HTTP server on 127.0.0.1 serving an
//! index and bundles: first install, a truncated download, a server error, a file that is not
//! a bundle, a silent server, an index that fails; the good copies installed stay, and the
//! command names the sources that failed.

mod common;
mod local_http;

use assert_cmd::Command;
use common::PROXY_VARS;
use local_http::{Reply, Server};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

/// The binary with its data folder in `data` and the index and GitHub base on `server`.
fn th(data: &Path, server: &Server) -> Command {
    let mut c = Command::cargo_bin("tracehound").unwrap();
    for v in PROXY_VARS {
        c.env_remove(v);
    }
    c.env_remove("TRACEHOUND_IOCS")
        .env("NO_COLOR", "1")
        .env("TRACEHOUND_DATA_DIR", data)
        .env("TRACEHOUND_IOCS_INDEX", server.url("/indicators.yaml"))
        .env("TRACEHOUND_GITHUB_RAW_BASE", server.url("/gh"));
    c
}

/// A STIX2 bundle of domain indicators tied to one malware.
fn bundle(malware: &str, domains: &[&str]) -> Vec<u8> {
    let mut objects = vec![
        json!({"type": "malware", "id": "malware--1", "name": malware,
        "is_family": false}),
    ];
    for (i, d) in domains.iter().enumerate() {
        objects.push(json!({"type": "indicator", "id": format!("indicator--{i}"),
            "pattern": format!("[domain-name:value = '{d}']"), "pattern_type": "stix"}));
        objects.push(
            json!({"type": "relationship", "id": format!("relationship--{i}"),
            "relationship_type": "indicates", "source_ref": format!("indicator--{i}"),
            "target_ref": "malware--1"}),
        );
    }
    serde_json::to_vec_pretty(&json!({"type": "bundle", "id": "bundle--1", "objects": objects}))
        .unwrap()
}

fn index(server: &Server) -> String {
    format!(
        "indicators:\n  -\n    type: github\n    name: Alpha Spyware Indicators\n    sources:\n      - Lab One\n    references:\n      - https://lab.example/alpha\n    github:\n      owner: lab\n      repo: iocs\n      branch: main\n      path: 2026/alpha.stix2\n  -\n    type: download_url\n    name: Beta Spyware Indicators\n    sources: [Lab Two]\n    download_url: {}\n",
        server.url("/dl/beta.json")
    )
}

const ALPHA_FILE: &str = "lab_iocs_2026_alpha.stix2";
fn beta_file(server: &Server) -> String {
    format!("127.0.0.1_{}_dl_beta.json", server.port)
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn manifest(data: &Path) -> Value {
    serde_json::from_slice(&fs::read(data.join("manifest.json")).unwrap()).unwrap()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Serves the two good bundles and runs a first update.
fn installed() -> (Server, tempfile::TempDir, Vec<u8>, Vec<u8>) {
    let server = Server::start();
    let alpha = bundle("Alpha", &["alpha-c2.example", "alpha-cdn.example"]);
    let beta = bundle("Beta", &["beta-c2.example"]);
    server.set("/indicators.yaml", Reply::Body(index(&server).into_bytes()));
    server.set(
        "/gh/lab/iocs/main/2026/alpha.stix2",
        Reply::Body(alpha.clone()),
    );
    server.set("/dl/beta.json", Reply::Body(beta.clone()));
    let data = tempfile::tempdir().unwrap();
    let out = th(data.path(), &server)
        .args(["iocs", "update"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    (server, data, alpha, beta)
}

#[test]
fn update_installs_bundles_with_manifest() {
    let (server, data, alpha, beta) = installed();
    let folder = data.path().join("indicators");
    assert_eq!(fs::read(folder.join(ALPHA_FILE)).unwrap(), alpha);
    assert_eq!(fs::read(folder.join(beta_file(&server))).unwrap(), beta);
    let names: Vec<_> = fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "only the bundles in the folder: {names:?}");
    let m = manifest(data.path());
    assert_eq!(m["index_url"], server.url("/indicators.yaml"));
    let files = m["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["name"], "Alpha Spyware Indicators");
    assert_eq!(files[0]["sources"], json!(["Lab One"]));
    assert_eq!(
        files[0]["url"],
        server.url("/gh/lab/iocs/main/2026/alpha.stix2")
    );
    assert_eq!(files[0]["sha256"], sha(&alpha));
    assert_eq!(files[0]["indicators"], 2);
    assert_eq!(files[1]["sha256"], sha(&beta));
    assert_eq!(files[1]["size"], beta.len());
    for f in files {
        assert!(f["downloaded"].as_str().unwrap().starts_with("20"), "{f}");
        assert!(f["last_error"].is_null());
    }
    // A second run with nothing changed reports the bundles unchanged.
    let out = th(data.path(), &server)
        .args(["iocs", "update"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        stderr(&out).matches("unchanged:").count(),
        2,
        "{}",
        stderr(&out)
    );
}

#[test]
fn failed_downloads_keep_the_installed_copies_and_are_named() {
    let (server, data, alpha, beta) = installed();
    let before = manifest(data.path());
    let newer = bundle(
        "Alpha",
        &["alpha-c2.example", "alpha-new.example", "x.example"],
    );
    let cases: [(&str, Reply, Reply); 3] = [
        (
            "truncated and server error",
            Reply::Truncated {
                body: newer.clone(),
                sent: newer.len() / 2,
            },
            Reply::Status(500),
        ),
        (
            "not a bundle and not found",
            Reply::Body(b"<html>rate limited</html>".to_vec()),
            Reply::Status(404),
        ),
        (
            "cut at a JSON boundary and a bundle without objects",
            Reply::Body(newer[..newer.len() - 2].to_vec()),
            Reply::Body(br#"{"type": "report"}"#.to_vec()),
        ),
    ];
    for (what, a, b) in cases {
        server.set("/gh/lab/iocs/main/2026/alpha.stix2", a);
        server.set("/dl/beta.json", b);
        let out = th(data.path(), &server)
            .args(["iocs", "update"])
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{what}: {err}");
        assert!(
            err.contains("2 of 2 indicator sources failed"),
            "{what}: {err}"
        );
        assert!(err.contains("Alpha Spyware Indicators"), "{what}: {err}");
        assert!(err.contains(&server.url("/dl/beta.json")), "{what}: {err}");
        assert!(err.contains("kept the copy downloaded"), "{what}: {err}");
        let folder = data.path().join("indicators");
        assert_eq!(fs::read(folder.join(ALPHA_FILE)).unwrap(), alpha, "{what}");
        assert_eq!(
            fs::read(folder.join(beta_file(&server))).unwrap(),
            beta,
            "{what}"
        );
        assert_eq!(
            fs::read_dir(&folder).unwrap().count(),
            2,
            "{what}: no temporary files"
        );
        let m = manifest(data.path());
        for i in 0..2 {
            let (now, then) = (&m["files"][i], &before["files"][i]);
            assert_eq!(now["sha256"], then["sha256"], "{what}");
            assert_eq!(now["downloaded"], then["downloaded"], "{what}");
            assert!(now["last_error"].is_string(), "{what}: {now}");
        }
    }
    let err0 = manifest(data.path())["files"][0]["last_error"].clone();
    assert!(
        err0.as_str().unwrap().contains("not a usable STIX2 bundle"),
        "{err0}"
    );

    // A good copy again: installed, error cleared.
    server.set(
        "/gh/lab/iocs/main/2026/alpha.stix2",
        Reply::Body(newer.clone()),
    );
    server.set("/dl/beta.json", Reply::Body(beta.clone()));
    let out = th(data.path(), &server)
        .args(["iocs", "update"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("updated:   Alpha Spyware Indicators: 3 indicators"));
    let m = manifest(data.path());
    assert_eq!(m["files"][0]["sha256"], sha(&newer));
    assert!(m["files"][0]["last_error"].is_null());
}

#[test]
fn index_failures_change_nothing() {
    let (server, data, _, _) = installed();
    let before = fs::read(data.path().join("manifest.json")).unwrap();
    for reply in [
        Reply::Status(503),
        Reply::Body(b"indicators: [\n  {type: github".to_vec()),
        Reply::Body(b"indicators:\n  - type: carrier-pigeon\n    name: X\n".to_vec()),
    ] {
        server.set("/indicators.yaml", reply.clone());
        let out = th(data.path(), &server)
            .args(["iocs", "update"])
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{reply:?}: {err}");
        assert!(
            err.contains("the indicators installed before are unchanged"),
            "{err}"
        );
        assert_eq!(fs::read(data.path().join("manifest.json")).unwrap(), before);
    }
    // An entry that leaves the index is removed with its file.
    let only_beta = format!(
        "indicators:\n  - type: download_url\n    name: Beta Spyware Indicators\n    download_url: {}\n",
        server.url("/dl/beta.json")
    );
    server.set("/indicators.yaml", Reply::Body(only_beta.into_bytes()));
    let out = th(data.path(), &server)
        .args(["iocs", "update"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains(&format!("removed {ALPHA_FILE}")));
    assert!(!data.path().join("indicators").join(ALPHA_FILE).exists());
    assert_eq!(manifest(data.path())["files"].as_array().unwrap().len(), 1);
}

#[test]
fn a_silent_server_times_out() {
    let server = Server::start();
    server.set("/indicators.yaml", Reply::Body(index(&server).into_bytes()));
    server.set(
        "/gh/lab/iocs/main/2026/alpha.stix2",
        Reply::Silence(Duration::from_secs(8)),
    );
    server.set(
        "/dl/beta.json",
        Reply::Body(bundle("Beta", &["beta-c2.example"])),
    );
    let data = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let out = th(data.path(), &server)
        .args(["iocs", "update", "--timeout", "1"])
        .output()
        .unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(6),
        "{:?}",
        start.elapsed()
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("1 of 2 indicator sources failed: Alpha"),
        "{err}"
    );
    assert!(err.contains("no copy installed"), "{err}");
    assert!(data
        .path()
        .join("indicators")
        .join(beta_file(&server))
        .exists());
    let m = manifest(data.path());
    assert!(m["files"][0]["sha256"].is_null());
}

#[test]
fn plain_http_elsewhere_is_refused_before_any_connection() {
    let server = Server::start();
    let data = tempfile::tempdir().unwrap();
    let out = th(data.path(), &server)
        .args([
            "iocs",
            "update",
            "--index",
            "http://index.invalid/indicators.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("plain http is only accepted"),
        "{}",
        stderr(&out)
    );
    assert!(server.requests().is_empty());
}

#[test]
fn list_match_and_checks_use_the_downloaded_bundles() {
    let (server, data, alpha, _) = installed();
    let out = th(data.path(), &server)
        .args(["iocs", "list"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    for want in [
        "Alpha Spyware Indicators",
        "source:     Lab One",
        &format!(
            "from:       {}",
            server.url("/gh/lab/iocs/main/2026/alpha.stix2")
        ),
        "downloaded: 20",
        "indicators: 2 (domains 2)",
        "malware:    Alpha",
        "malware:    Beta",
        &sha(&alpha),
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    assert!(stderr(&out).contains("Indicators downloaded by `tracehound iocs update`"));

    let out = th(data.path(), &server)
        .args(["iocs", "list", "--json"])
        .output()
        .unwrap();
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 2);
    assert_eq!(rows[0]["origin"], "downloaded");
    assert_eq!(rows[0]["counts"]["domains"], 2);
    assert_eq!(rows[0]["download"]["sources"], json!(["Lab One"]));

    let out = th(data.path(), &server)
        .args([
            "iocs",
            "match",
            "www.alpha-c2.example",
            "https://beta-c2.example/x",
            "clean.example",
            "bh",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(text.contains("www.alpha-c2.example (domain): MATCH domains indicator \"alpha-c2.example\" (subdomain) of Alpha in lab_iocs_2026_alpha.stix2"), "{text}");
    assert!(text.contains("https://beta-c2.example/x (url): MATCH domains indicator \"beta-c2.example\" (url_host) of Beta"), "{text}");
    assert!(
        text.contains("clean.example (domain or app_id): no match"),
        "{text}"
    );
    // The bundled Pegasus process `bh` is not loaded: downloaded bundles replace them.
    assert!(text.contains("bh (process): no match"), "{text}");

    let out = th(data.path(), &server)
        .args([
            "iocs",
            "match",
            "--json",
            "--type",
            "app-id",
            "alpha-c2.example",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stdout).unwrap(),
        json!([])
    );

    // --iocs takes precedence over the downloaded bundles.
    let out = th(data.path(), &server)
        .args(["iocs", "match", "--json", "alpha-c2.example", "--iocs"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../ioc/data/pegasus.stix2"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("Indicators from --iocs"));

    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/sample-backup");
    let out = th(data.path(), &server)
        .args(["check", "--module", "sms"])
        .arg(&sample)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(
        err.contains("Indicators downloaded by `tracehound iocs update` into"),
        "{err}"
    );
    assert!(
        err.contains("lab_iocs_2026_alpha.stix2 (Alpha): 2"),
        "{err}"
    );
    assert!(
        server.requests().len() == 3,
        "checks, list and match never fetch: {:?}",
        server.requests()
    );
}
