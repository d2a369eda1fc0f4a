//! A tiny HTTP/1.1 server on 127.0.0.1 for tests: fixed replies per path (a body, an error
//! status, a body cut short of its Content-Length, a reply that never comes), changeable
//! between requests, and a log of the paths asked for. One request per connection; it serves
//! at most `MAX_CONNECTIONS` and stops when dropped.
#![allow(dead_code)] // each test binary uses part of it

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const MAX_CONNECTIONS: usize = 200;

/// What the server answers for a path.
#[derive(Clone, Debug)]
pub enum Reply {
    /// 200 with this body.
    Body(Vec<u8>),
    /// This status with a short body.
    Status(u16),
    /// 200 announcing the whole body's length, sending only the first `sent` bytes.
    Truncated { body: Vec<u8>, sent: usize },
    /// Nothing for this long, then the connection is closed.
    Silence(Duration),
}

/// A running server.
pub struct Server {
    pub port: u16,
    replies: Arc<Mutex<HashMap<String, Reply>>>,
    log: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

impl Server {
    pub fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let replies = Arc::new(Mutex::new(HashMap::new()));
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (r, l, s) = (replies.clone(), log.clone(), stop.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming().take(MAX_CONNECTIONS) {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (r, l) = (r.clone(), l.clone());
                std::thread::spawn(move || serve(conn, &r, &l));
            }
        });
        Server {
            port,
            replies,
            log,
            stop,
        }
    }

    /// `http://127.0.0.1:PORT` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn set(&self, path: &str, reply: Reply) {
        self.replies.lock().unwrap().insert(path.to_string(), reply);
    }

    /// Paths requested so far.
    pub fn requests(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(mut conn: TcpStream, replies: &Mutex<HashMap<String, Reply>>, log: &Mutex<Vec<String>>) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 << 10 {
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let line = String::from_utf8_lossy(&head)
        .lines()
        .next()
        .unwrap_or("")
        .to_string();
    let path = line.split(' ').nth(1).unwrap_or("").to_string();
    log.lock().unwrap().push(path.clone());
    let reply = replies
        .lock()
        .unwrap()
        .get(&path)
        .cloned()
        .unwrap_or(Reply::Status(404));
    let header = |status: &str, len: usize| {
        format!("HTTP/1.1 {status}\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n")
    };
    let _ = match reply {
        Reply::Body(body) => conn
            .write_all(header("200 OK", body.len()).as_bytes())
            .and_then(|()| conn.write_all(&body)),
        Reply::Status(code) => {
            let body = format!("status {code}\n");
            conn.write_all(header(&format!("{code} Status"), body.len()).as_bytes())
                .and_then(|()| conn.write_all(body.as_bytes()))
        }
        Reply::Truncated { body, sent } => conn
            .write_all(header("200 OK", body.len()).as_bytes())
            .and_then(|()| conn.write_all(&body[..sent.min(body.len())])),
        Reply::Silence(d) => {
            std::thread::sleep(d);
            Ok(())
        }
    };
    let _ = conn.flush();
    let _ = conn.shutdown(Shutdown::Both);
}
