//! Downloads: a small blocking HTTP client (ureq with rustls and the webpki roots) with
//! timeouts and size caps.
//!
//! Only `https://` URLs are fetched, and redirects may not leave HTTPS; plain `http://` is
//! accepted for loopback hosts only (`127.0.0.0/8`, `[::1]`, `localhost`: local mirrors and
//! tests). The proxy variables (`HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`…) are honoured. A body
//! is refused as soon as it passes its cap, and one shorter than its `Content-Length` is a
//! failed download.

use crate::error::FeedError;
use std::io::{Read, Write};
use std::net::IpAddr;
use std::time::Duration;

/// Largest index accepted (bytes).
pub const MAX_INDEX_SIZE: u64 = 1 << 20;
/// Largest bundle accepted (bytes).
pub const MAX_BUNDLE_SIZE: u64 = 100 << 20;
/// Default limit on one whole download.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);
/// Limit on name resolution and on connecting.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// Limit on waiting for the response headers, and on a silence while reading the body.
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// Fetches URLs within limits.
#[derive(Clone, Debug)]
pub struct Fetcher {
    timeout: Duration,
}

impl Default for Fetcher {
    fn default() -> Self {
        Fetcher::new(DEFAULT_TIMEOUT)
    }
}

impl Fetcher {
    /// A fetcher whose downloads each end after `timeout` at most.
    pub fn new(timeout: Duration) -> Self {
        Fetcher { timeout }
    }

    /// Downloads `url` into `out`, at most `cap` bytes; returns the number of bytes written.
    pub fn get(&self, url: &str, cap: u64, out: &mut dyn Write) -> Result<u64, FeedError> {
        let https = check_url(url)?;
        let fail = |reason: String| FeedError::Download {
            url: url.to_string(),
            reason,
        };
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .https_only(https)
            .http_status_as_error(false)
            .max_redirects(5)
            .user_agent(format!("tracehound/{}", env!("CARGO_PKG_VERSION")))
            .timeout_resolve(Some(CONNECT_TIMEOUT))
            .timeout_connect(Some(CONNECT_TIMEOUT))
            .timeout_recv_response(Some(IDLE_TIMEOUT))
            .timeout_per_read(Some(IDLE_TIMEOUT))
            .timeout_global(Some(self.timeout))
            .build()
            .into();
        let mut resp = agent.get(url).call().map_err(|e| fail(e.to_string()))?;
        let status = resp.status();
        if !status.is_success() {
            return Err(fail(format!("the server answered {status}")));
        }
        let expected: Option<u64> = resp
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok());
        if let Some(n) = expected.filter(|n| *n > cap) {
            return Err(fail(format!("{n} bytes, more than the {cap}-byte limit")));
        }
        let mut reader = resp.body_mut().with_config().limit(cap + 1).reader();
        let mut buf = vec![0u8; 64 << 10];
        let mut total: u64 = 0;
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(fail(match expected {
                        Some(len) => format!("cut off after {total} of {len} bytes ({e})"),
                        None => format!("cut off after {total} bytes ({e})"),
                    }))
                }
            };
            total += n as u64;
            if total > cap {
                return Err(fail(format!("more than the {cap}-byte limit")));
            }
            out.write_all(buf.get(..n).unwrap_or(&[]))
                .map_err(|e| fail(format!("cannot save it: {e}")))?;
        }
        match expected {
            Some(len) if len != total => Err(fail(format!("cut off after {total} of {len} bytes"))),
            _ => Ok(total),
        }
    }

    /// Downloads `url` into memory, at most `cap` bytes.
    pub fn get_bytes(&self, url: &str, cap: u64) -> Result<Vec<u8>, FeedError> {
        let mut out = Vec::new();
        self.get(url, cap, &mut out)?;
        Ok(out)
    }
}

/// Asks `url` where it leads with one `HEAD` request, redirects not followed, within
/// `timeout` in all (for expanding shortened links; any http(s) URL). Returns the status and
/// the `Location` header, if any. Proxy variables are honoured as for downloads.
pub fn head_location(url: &str, timeout: Duration) -> Result<(u16, Option<String>), String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(format!("tracehound/{}", env!("CARGO_PKG_VERSION")))
        .timeout_global(Some(timeout))
        .build()
        .into();
    let resp = agent.head(url).call().map_err(|e| e.to_string())?;
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    Ok((resp.status().as_u16(), location))
}

/// Checks that `url` may be fetched; returns whether it is HTTPS.
pub fn check_url(url: &str) -> Result<bool, FeedError> {
    let refuse = |reason: &str| FeedError::Url {
        url: url.to_string(),
        reason: reason.to_string(),
    };
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| refuse("not an http(s) URL"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Err(refuse("user names and passwords in URLs are not accepted"));
    }
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        authority.rsplit_once(':').map_or(authority, |(h, _)| h)
    };
    if host.is_empty() {
        return Err(refuse("no host"));
    }
    match scheme.to_ascii_lowercase().as_str() {
        "https" => Ok(true),
        "http" if is_loopback(host) => Ok(false),
        "http" => Err(refuse(
            "plain http is only accepted for this computer (127.0.0.1, [::1], localhost); \
             use https",
        )),
        _ => Err(refuse("only https URLs are fetched")),
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::check_url;

    #[test]
    fn url_rules() {
        assert!(check_url("https://raw.githubusercontent.com/a/b").unwrap());
        assert!(!check_url("http://127.0.0.1:8080/i.yaml").unwrap());
        assert!(!check_url("http://[::1]:80/x").unwrap());
        assert!(!check_url("http://localhost/x").unwrap());
        assert!(check_url("http://example.org/x").is_err());
        assert!(check_url("http://127.0.0.1@example.org/x").is_err());
        assert!(check_url("ftp://example.org/x").is_err());
        assert!(check_url("file:///etc/passwd").is_err());
        assert!(check_url("example.org").is_err());
    }
}
