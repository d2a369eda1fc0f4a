//! Benign vocabulary for background records.
//!
//! Nothing here may match an indicator of the bundled sets (`pegasus.stix2`, MVT's
//! `test.stix2`): no `example.*` domains, no URL-shortener domains (MVT would try to expand
//! them over the network), no process name equal to an indicator nor a 16-character prefix of
//! one (MVT treats 16-character names as possibly truncated). A test checks this against the
//! bundles when `shared/` is present.

use crate::rng::Rng;

/// Web sites for SMS links, Safari history, WhatsApp links and WebKit observations.
pub const DOMAINS: &[&str] = &[
    "apple.com",
    "icloud.com",
    "wikipedia.org",
    "github.com",
    "mozilla.org",
    "bbc.co.uk",
    "theguardian.com",
    "nytimes.com",
    "lemonde.fr",
    "spiegel.de",
    "elpais.com",
    "reuters.com",
    "apnews.com",
    "weather.gov",
    "openstreetmap.org",
    "python.org",
    "rust-lang.org",
    "stackoverflow.com",
    "amnesty.org",
    "eff.org",
    "archive.org",
    "gnu.org",
    "debian.org",
    "kernel.org",
    "w3.org",
    "ietf.org",
    "nasa.gov",
    "who.int",
    "europa.eu",
    "un.org",
    "ikea.com",
    "booking.com",
    "airbnb.com",
    "spotify.com",
    "netflix.com",
    "duckduckgo.com",
    "google.com",
    "youtube.com",
    "instagram.com",
    "signal.org",
];

/// Subdomain labels put in front of [`DOMAINS`].
pub const SUBDOMAINS: &[&str] = &["www.", "", "m.", "news.", "docs.", "shop.", "en."];

/// Path words for URLs and message text.
pub const WORDS: &[&str] = &[
    "hello", "dinner", "tomorrow", "meeting", "photos", "train", "weather", "report", "coffee",
    "call", "later", "thanks", "ticket", "article", "recipe", "weekend", "project", "birthday",
    "invoice", "school", "football", "concert", "museum", "holiday", "garden", "library",
];

/// Well-known app bundle identifiers (Info.plist, TCC, locationd, DataUsage, interactions).
pub const APPS: &[&str] = &[
    "com.apple.mobilesafari",
    "com.apple.MobileSMS",
    "com.apple.mobilemail",
    "com.apple.Maps",
    "com.apple.camera",
    "com.apple.mobileslideshow",
    "com.apple.Preferences",
    "com.apple.weather",
    "com.apple.Music",
    "com.apple.news",
    "net.whatsapp.WhatsApp",
    "org.whispersystems.signal",
    "ph.telegra.Telegraph",
    "com.google.chrome.ios",
    "org.mozilla.ios.Firefox",
    "com.spotify.client",
    "com.burbn.instagram",
    "com.atebits.Tweetie2",
    "com.skype.skype",
    "com.microsoft.Office.Outlook",
];

/// System daemons as DataUsage/ADDaily name them.
pub const DAEMONS: &[&str] = &[
    "mDNSResponder",
    "nsurlsessiond",
    "apsd",
    "CommCenter",
    "itunesstored",
    "cloudd",
    "assetsd",
    "locationd",
    "identityservicesd",
    "mobileassetd",
    "softwareupdateservicesd",
    "timed",
    "trustd",
    "nsurlstoraged",
    "com.apple.WebKit.Networking",
    "akd",
    "appstored",
    "rapportd",
    "symptomsd",
    "wifid",
];

/// TCC services an app may ask for.
pub const TCC_SERVICES: &[&str] = &[
    "kTCCServiceAddressBook",
    "kTCCServiceCalendar",
    "kTCCServiceCamera",
    "kTCCServiceMicrophone",
    "kTCCServicePhotos",
    "kTCCServiceReminders",
    "kTCCServiceMediaLibrary",
    "kTCCServiceMotion",
    "kTCCServiceBluetoothAlways",
    "kTCCServiceUserTracking",
    "kTCCServiceFaceID",
    "kTCCServiceSpeechRecognition",
];

/// First names for contacts and chat partners.
pub const NAMES: &[&str] = &[
    "Alice", "Bruno", "Chloé", "Dmitri", "Eva", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi",
    "Luca", "Maya", "Nadia", "Omar", "Priya", "Quentin", "Rosa", "Sven", "Tariq",
];

/// A phone number in E.164 form, within fictional ranges.
pub fn phone(rng: &mut Rng) -> String {
    format!("+4470{:08}", rng.below(100_000_000))
}

/// A benign URL, `https` most of the time.
pub fn url(rng: &mut Rng) -> String {
    let scheme = if rng.chance(0.9) { "https" } else { "http" };
    format!(
        "{scheme}://{}{}/{}/{}",
        rng.pick(SUBDOMAINS),
        rng.pick(DOMAINS),
        rng.pick(WORDS),
        rng.below(100_000)
    )
}

/// A short message of a few words.
pub fn sentence(rng: &mut Rng) -> String {
    let n = 3 + rng.below(8) as usize;
    let mut s = String::new();
    for i in 0..n {
        if i > 0 {
            s.push(' ');
        }
        let w: &&str = rng.pick(WORDS);
        s.push_str(w);
    }
    s
}

/// The `i`-th registrable domain of an endless benign list: [`DOMAINS`] first, then made-up
/// names under country TLDs that no bundled indicator uses.
pub fn registrable_domain(i: usize) -> String {
    match DOMAINS.get(i) {
        Some(d) => d.to_string(),
        None => {
            let k = i - DOMAINS.len();
            let tld = ["fr", "de", "it", "nl", "se", "fi", "pt"][k % 7];
            format!(
                "{}-{}{}.{tld}",
                WORDS[k % WORDS.len()],
                WORDS[(k / 7) % WORDS.len()],
                k
            )
        }
    }
}

/// A benign e-mail address.
pub fn email(rng: &mut Rng) -> String {
    format!(
        "{}.{}@{}",
        rng.pick(NAMES).to_lowercase().replace('é', "e"),
        rng.below(1000),
        rng.pick(&["icloud.com", "gmail.com", "proton.me", "outlook.com"])
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// Values of one STIX2 pattern type in a bundle, or `None` if the bundle is absent.
    fn indicators(bundle: &str, kind: &str) -> Option<Vec<String>> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared")
            .join(bundle);
        let text = std::fs::read_to_string(path).ok()?;
        let doc: serde_json::Value = serde_json::from_str(&text).ok()?;
        let mut out = Vec::new();
        for obj in doc["objects"].as_array()? {
            let pattern = obj["pattern"].as_str().unwrap_or_default();
            for part in pattern.trim_matches(|c| c == '[' || c == ']').split(" OR ") {
                if let Some((k, v)) = part.split_once('=') {
                    if k.trim() == kind {
                        out.push(v.trim().trim_matches('\'').to_lowercase());
                    }
                }
            }
        }
        Some(out)
    }

    #[test]
    fn noise_never_matches_bundled_indicators() {
        for bundle in ["iocs/pegasus.stix2", "fixtures/mvt/stix2/test.stix2"] {
            let Some(domains) = indicators(bundle, "domain-name:value") else {
                eprintln!("skipping: {bundle} not found");
                continue;
            };
            for d in DOMAINS
                .iter()
                .chain(["icloud.com", "gmail.com", "proton.me"].iter())
            {
                assert!(!domains.iter().any(|i| i == d), "{d} is an indicator");
            }
            let procs = indicators(bundle, "process:name").unwrap_or_default();
            for p in DAEMONS.iter().chain(APPS) {
                let p = p.to_lowercase();
                let clash = procs
                    .iter()
                    .any(|i| *i == p || (p.len() == 16 && i.starts_with(&p)));
                assert!(!clash, "{p} matches a process indicator");
            }
        }
        assert!(!DOMAINS.iter().any(|d| d.starts_with("example.")));
        if let Some(domains) = indicators("iocs/pegasus.stix2", "domain-name:value") {
            let set: std::collections::HashSet<_> = domains.into_iter().collect();
            for i in 0..50_000 {
                let d = registrable_domain(i);
                assert!(!set.contains(&d), "{d} is a Pegasus indicator");
            }
        }
    }
}
