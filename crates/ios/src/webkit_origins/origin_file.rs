//! WebKit's `origin` file (iOS 16 and later): which site a hashed website-data folder belongs
//! to. It holds WebKit's persistent encoding of a client origin: the top-level site, then the
//! site of the frame that stored the data (the same for first-party data, an embedded site
//! otherwise). Each site is its scheme and host, each a little-endian `u32` length
//! (`0xFFFFFFFF` for none), a byte saying Latin-1 (1) or UTF-16LE (0), then the characters; then
//! the port, a presence byte and, when present, a little-endian `u16`. Reference: WebKit's
//! `StorageUtilities.h` (`readOriginFromFile`) and `WebCorePersistentCoders.cpp`.

/// An origin file larger than this is not one (two origins take well under 1 KiB).
pub const MAX_ORIGIN_FILE: usize = 64 * 1024;

/// One side of a client origin: WebKit's `SecurityOriginData`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteOrigin {
    /// The scheme (`https`).
    pub protocol: String,
    /// The host name (empty for opaque schemes such as `file`).
    pub host: String,
    /// The port, when it is not the scheme's default.
    pub port: Option<u16>,
}

impl SiteOrigin {
    /// The origin as a URL: `https://example.com`, `http://example.com:8080`.
    pub fn url(&self) -> String {
        match self.port {
            Some(p) => format!("{}://{}:{p}", self.protocol, self.host),
            None => format!("{}://{}", self.protocol, self.host),
        }
    }
}

/// What an `origin` file holds: the top-level site and the site of the frame that stored data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientOrigin {
    /// The top-level site.
    pub top: SiteOrigin,
    /// The frame's site.
    pub frame: SiteOrigin,
}

/// Why an `origin` file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OriginError {
    /// The file ends inside a field.
    #[error("the file ends at byte {0}, inside the {1}")]
    Truncated(usize, &'static str),
    /// A byte that must be 0 or 1 is neither.
    #[error("byte {0} should be 0 or 1 (the {1}) but is {2}")]
    BadFlag(usize, &'static str, u8),
    /// A scheme or host is absent (WebKit never writes an origin without them).
    #[error("the {0} is missing")]
    Missing(&'static str),
    /// A UTF-16 string is not valid UTF-16.
    #[error("the {0} is not valid UTF-16")]
    BadUtf16(&'static str),
    /// More bytes than an origin file can hold.
    #[error("{0} bytes, more than an origin file holds ({MAX_ORIGIN_FILE} at most)")]
    TooLarge(usize),
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize, what: &'static str) -> Result<&[u8], OriginError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or(OriginError::Truncated(self.bytes.len(), what))?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn flag(&mut self, what: &'static str) -> Result<bool, OriginError> {
        let at = self.at;
        match self.take(1, what)? {
            [0] => Ok(false),
            [1] => Ok(true),
            [b, ..] => Err(OriginError::BadFlag(at, what, *b)),
            [] => Err(OriginError::Truncated(at, what)),
        }
    }

    fn u32(&mut self, what: &'static str) -> Result<u32, OriginError> {
        let b = self.take(4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A string, `None` for WebKit's null string.
    fn string(&mut self, what: &'static str) -> Result<Option<String>, OriginError> {
        let len = self.u32(what)?;
        if len == u32::MAX {
            return Ok(None);
        }
        // The length is checked against the bytes left before anything is allocated.
        let len = len as usize;
        if self.flag(what)? {
            let b = self.take(len, what)?;
            Ok(Some(b.iter().map(|&c| char::from(c)).collect()))
        } else {
            let b = self.take(len.saturating_mul(2), what)?;
            let units = b.chunks_exact(2).map(|u| u16::from_le_bytes([u[0], u[1]]));
            char::decode_utf16(units)
                .collect::<Result<String, _>>()
                .map(Some)
                .map_err(|_| OriginError::BadUtf16(what))
        }
    }

    fn site(&mut self, which: [&'static str; 3]) -> Result<SiteOrigin, OriginError> {
        let [scheme, host, port] = which;
        let protocol = self.string(scheme)?.ok_or(OriginError::Missing(scheme))?;
        let host = self.string(host)?.ok_or(OriginError::Missing(host))?;
        let port = if self.flag(port)? {
            let b = self.take(2, port)?;
            Some(u16::from_le_bytes([b[0], b[1]]))
        } else {
            None
        };
        Ok(SiteOrigin {
            protocol,
            host,
            port,
        })
    }
}

/// Decodes an `origin` file. Bytes after the two origins are ignored, as WebKit ignores them.
pub fn parse_origin_file(bytes: &[u8]) -> Result<ClientOrigin, OriginError> {
    if bytes.len() > MAX_ORIGIN_FILE {
        return Err(OriginError::TooLarge(bytes.len()));
    }
    let mut r = Reader { bytes, at: 0 };
    let top = r.site(["top-level scheme", "top-level host", "top-level port"])?;
    let frame = r.site(["frame scheme", "frame host", "frame port"])?;
    Ok(ClientOrigin { top, frame })
}

/// Encodes an origin file as WebKit writes it (Latin-1 when every character fits, UTF-16LE
/// otherwise): for generated fixtures and round-trip tests.
pub fn encode_origin_file(origin: &ClientOrigin) -> Vec<u8> {
    let mut out = Vec::new();
    for site in [&origin.top, &origin.frame] {
        for s in [&site.protocol, &site.host] {
            let latin1: Option<Vec<u8>> = s.chars().map(|c| u8::try_from(c).ok()).collect();
            match latin1 {
                Some(b) => {
                    out.extend_from_slice(&(b.len() as u32).to_le_bytes());
                    out.push(1);
                    out.extend_from_slice(&b);
                }
                None => {
                    let units: Vec<u16> = s.encode_utf16().collect();
                    out.extend_from_slice(&(units.len() as u32).to_le_bytes());
                    out.push(0);
                    out.extend(units.iter().flat_map(|u| u.to_le_bytes()));
                }
            }
        }
        match site.port {
            Some(p) => {
                out.push(1);
                out.extend_from_slice(&p.to_le_bytes());
            }
            None => out.push(0),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(protocol: &str, host: &str, port: Option<u16>) -> SiteOrigin {
        SiteOrigin {
            protocol: protocol.into(),
            host: host.into(),
            port,
        }
    }

    #[test]
    fn decodes_what_webkit_writes() {
        // https://news.example.org embedding https://ads.example.net:8443, byte by byte.
        let mut b = Vec::new();
        b.extend([5, 0, 0, 0, 1]);
        b.extend(b"https");
        b.extend([16, 0, 0, 0, 1]);
        b.extend(b"news.example.org");
        b.push(0);
        b.extend([5, 0, 0, 0, 1]);
        b.extend(b"https");
        b.extend([15, 0, 0, 0, 1]);
        b.extend(b"ads.example.net");
        b.extend([1, 0xFB, 0x20]);
        let o = parse_origin_file(&b).unwrap();
        assert_eq!(o.top.url(), "https://news.example.org");
        assert_eq!(o.frame.url(), "https://ads.example.net:8443");
        assert_eq!(encode_origin_file(&o), b);
    }

    #[test]
    fn utf16_round_trip() {
        let o = ClientOrigin {
            top: site("https", "bücher.example", None),
            frame: site("https", "例え.jp", Some(444)),
        };
        let b = encode_origin_file(&o);
        // ü is Latin-1 (the host goes as one byte a character); 例 is not (UTF-16).
        assert_eq!(b[14], 1);
        assert_eq!(parse_origin_file(&b), Ok(o));
    }

    #[test]
    fn refuses_what_webkit_never_writes() {
        let o = ClientOrigin {
            top: site("https", "a.example", None),
            frame: site("https", "a.example", None),
        };
        let b = encode_origin_file(&o);
        for cut in 0..b.len() {
            assert!(
                matches!(
                    parse_origin_file(&b[..cut]),
                    Err(OriginError::Truncated(..))
                ),
                "cut at {cut}"
            );
        }
        let mut bad = b.clone();
        bad[4] = 7;
        assert_eq!(
            parse_origin_file(&bad),
            Err(OriginError::BadFlag(4, "top-level scheme", 7))
        );
        // A declared length of 4 GiB - 2 is refused as truncated, not allocated.
        let mut huge = vec![0xFE, 0xFF, 0xFF, 0xFF, 1];
        huge.extend(b"https");
        assert_eq!(
            parse_origin_file(&huge),
            Err(OriginError::Truncated(10, "top-level scheme"))
        );
        assert_eq!(
            parse_origin_file(&[0xFF, 0xFF, 0xFF, 0xFF]),
            Err(OriginError::Missing("top-level scheme"))
        );
        let mut lone = vec![1, 0, 0, 0, 0];
        lone.extend(0xD800u16.to_le_bytes());
        assert_eq!(
            parse_origin_file(&lone),
            Err(OriginError::BadUtf16("top-level scheme"))
        );
        assert_eq!(
            parse_origin_file(&vec![0; MAX_ORIGIN_FILE + 1]),
            Err(OriginError::TooLarge(MAX_ORIGIN_FILE + 1))
        );
    }
}
