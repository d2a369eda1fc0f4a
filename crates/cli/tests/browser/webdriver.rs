//! A minimal WebDriver client for the browser tests: starts Debian's `chromedriver` on a free
//! loopback port with headless Chromium (no network features, a fresh profile), and speaks the
//! W3C WebDriver protocol over plain HTTP/1.1 on 127.0.0.1 — no other dependency.

use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Debian's Chromium and its driver.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// The driver from `chromium-driver`.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Why the browser tests cannot run here, if they cannot.
pub fn unavailable() -> Option<String> {
    for p in [CHROMIUM, CHROMEDRIVER] {
        if !Path::new(p).exists() {
            return Some(format!(
                "{p} is not installed (apt-get install -y chromium chromium-driver; .ci/run \
                 installs them)"
            ));
        }
    }
    None
}

/// A browser session; the driver is stopped when dropped.
pub struct Browser {
    driver: Child,
    port: u16,
    session: String,
    browser_pid: Option<u64>,
}

/// An element reference.
pub struct Element(String);

impl Browser {
    /// Starts chromedriver and a headless Chromium whose profile is `profile` (a new, empty
    /// folder), with a `width`×`height` window.
    pub fn start(profile: &Path, width: u32, height: u32) -> Browser {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free loopback port");
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting chromedriver");
        let mut b = Browser {
            driver,
            port,
            session: String::new(),
            browser_pid: None,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let args = vec![
            "--headless".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            format!("--user-data-dir={}", profile.display()),
            format!("--window-size={width},{height}"),
        ];
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args}}}});
        let v = b.call("POST", "/session", Some(&caps));
        b.session = v["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {v}"))
            .to_string();
        b.browser_pid = v["capabilities"]["goog:processID"].as_u64();
        b
    }

    /// Sends one command; returns its `value`, panicking on a WebDriver error.
    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        let body = body.map(Value::to_string).unwrap_or_default();
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect chromedriver");
        s.set_read_timeout(Some(Duration::from_secs(120))).ok();
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.port,
            body.len()
        );
        s.write_all(req.as_bytes()).expect("send");
        let payload = read_reply(&mut s);
        let v: Value = serde_json::from_slice(&payload).unwrap_or_else(|e| {
            panic!(
                "{method} {path}: {e}: {}",
                String::from_utf8_lossy(&payload)
            )
        });
        if v["value"].get("error").is_some() {
            panic!("{method} {path}: {}", v["value"]);
        }
        v["value"].clone()
    }

    fn at(&self, rest: &str) -> String {
        format!("/session/{}{rest}", self.session)
    }

    /// Opens `url`.
    pub fn goto(&self, url: &str) {
        self.call("POST", &self.at("/url"), Some(&json!({ "url": url })));
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and returns its result.
    pub fn exec(&self, script: &str, args: Value) -> Value {
        self.call(
            "POST",
            &self.at("/execute/sync"),
            Some(&json!({ "script": script, "args": args })),
        )
    }

    /// Waits until `script` returns true, up to `secs`.
    pub fn wait_for(&self, script: &str, secs: u64) -> Duration {
        let start = Instant::now();
        loop {
            if self.exec(script, json!([])) == json!(true) {
                return start.elapsed();
            }
            assert!(
                start.elapsed() < Duration::from_secs(secs),
                "timed out waiting for: {script}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The first element matching CSS `selector`.
    pub fn find(&self, selector: &str) -> Element {
        let v = self.call(
            "POST",
            &self.at("/element"),
            Some(&json!({"using": "css selector", "value": selector})),
        );
        let id = v[ELEMENT_KEY].as_str();
        Element(id.unwrap_or_else(|| panic!("{selector}: {v}")).to_string())
    }

    /// Every element matching `selector`.
    pub fn find_all(&self, selector: &str) -> Vec<Element> {
        let v = self.call(
            "POST",
            &self.at("/elements"),
            Some(&json!({"using": "css selector", "value": selector})),
        );
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e[ELEMENT_KEY].as_str().map(|s| Element(s.to_string())))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Types `text` into an element.
    pub fn type_into(&self, e: &Element, text: &str) {
        self.call(
            "POST",
            &self.at(&format!("/element/{}/value", e.0)),
            Some(&json!({ "text": text })),
        );
    }

    /// Clicks an element.
    pub fn click(&self, e: &Element) {
        self.call(
            "POST",
            &self.at(&format!("/element/{}/click", e.0)),
            Some(&json!({})),
        );
    }

    /// An element's rendered text.
    pub fn text(&self, e: &Element) -> String {
        let v = self.call("GET", &self.at(&format!("/element/{}/text", e.0)), None);
        v.as_str().unwrap_or_default().to_string()
    }

    /// The page title.
    pub fn title(&self) -> String {
        let v = self.call("GET", &self.at("/title"), None);
        v.as_str().unwrap_or_default().to_string()
    }

    /// Saves a PNG screenshot of the window to `path`.
    pub fn screenshot(&self, path: &Path) -> PathBuf {
        let v = self.call("GET", &self.at("/screenshot"), None);
        let png = base64_decode(v.as_str().expect("base64 PNG"));
        assert!(png.starts_with(b"\x89PNG"), "not a PNG");
        std::fs::write(path, png).expect("write screenshot");
        path.to_path_buf()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let path = format!("/session/{}", self.session);
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.call("DELETE", &path, None)
            }));
        }
        // Chromium outlives a killed driver: end it by its own process id if it is still there.
        if let Some(pid) = self.browser_pid {
            if Path::new(&format!("/proc/{pid}")).exists() {
                let _ = Command::new("kill").arg(pid.to_string()).status();
            }
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Reads one HTTP/1.1 reply's body: by Content-Length, or chunked (chromedriver may keep the
/// connection open, so reading to the end would wait for its timeout).
fn read_reply(s: &mut TcpStream) -> Vec<u8> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 1 << 16];
    let header_end = loop {
        if let Some(p) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        let n = s.read(&mut buf).expect("read reply");
        assert!(n > 0, "connection closed before the reply's headers");
        raw.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&raw[..header_end]).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    let chunked = head.contains("transfer-encoding: chunked");
    loop {
        let body = &raw[header_end..];
        let done = match length {
            Some(n) => body.len() >= n,
            None if chunked => body.windows(5).any(|w| w == b"0\r\n\r\n"),
            None => false,
        };
        if done {
            break;
        }
        let n = s.read(&mut buf).expect("read reply");
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
    }
    let body = raw[header_end..].to_vec();
    if chunked {
        dechunk(&body)
    } else {
        body
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = data.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&data[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = end + 2;
        out.extend_from_slice(&data[start..start + size]);
        data = &data[(start + size + 2).min(data.len())..];
    }
    out
}

fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let clean: Vec<u8> = s.bytes().filter(|c| !b"=\r\n".contains(c)).collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= u32::from(val(c)) << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

#[test]
fn base64_decodes() {
    assert_eq!(base64_decode("TWFu"), b"Man");
    assert_eq!(base64_decode("TWE="), b"Ma");
    assert_eq!(base64_decode("TQ=="), b"M");
}
