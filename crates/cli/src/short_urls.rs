//! Expanding shortened links, online and only when asked (`--resolve-short-urls`).
//!
//! After the modules ran, the distinct links on a known URL-shortener host are collected from
//! the records (URL observables, and links inside text), each is asked where it leads with a
//! `HEAD` request that does not follow the redirect (its `Location` is read; up to
//! [`MAX_HOPS`] hops are taken while the target is itself a shortener), and every URL reached
//! is checked against the indicators. A match is a critical alert on the record holding the
//! short link. Every request is limited in time, the number of links is capped, and the whole
//! step has a time budget; `info.json` lists what was contacted.

use crate::ui::{Tone, Ui};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tracehound_core::runner::ModuleReport;
use tracehound_core::text::extract_links;
use tracehound_core::{Alert, IndicatorMatch, Level, Matcher, Observable};
use tracehound_report::ShortUrlExpansion;

/// Hosts of widely used URL-shortening services (our own list; subdomains count too).
pub const SHORTENER_HOSTS: &[&str] = &[
    "bit.ly",
    "bitly.com",
    "j.mp",
    "t.co",
    "tinyurl.com",
    "goo.gl",
    "g.co",
    "ow.ly",
    "is.gd",
    "v.gd",
    "buff.ly",
    "rebrand.ly",
    "cutt.ly",
    "shorturl.at",
    "t.ly",
    "s.id",
    "rb.gy",
    "tiny.cc",
    "bl.ink",
    "lnkd.in",
    "fb.me",
    "amzn.to",
    "youtu.be",
    "wp.me",
    "tr.im",
    "cli.gs",
    "x.co",
    "trib.al",
    "dlvr.it",
    "ift.tt",
    "shorte.st",
    "adf.ly",
    "bc.vc",
    "soo.gd",
    "clck.ru",
    "qr.ae",
    "po.st",
    "mcaf.ee",
    "su.pr",
    "tiny.one",
    "short.io",
    "t2m.io",
    "urlz.fr",
    "u.to",
    "db.tt",
    "1url.com",
    "shorturl.com",
    "linktr.ee",
    "surl.li",
    "tinu.be",
    "zpr.io",
    "kutt.it",
];

/// Redirect hops followed per link (through further shorteners).
pub const MAX_HOPS: usize = 3;
/// Time allowed for the whole step.
pub const TOTAL_BUDGET: Duration = Duration::from_secs(60);
/// Environment variable replacing the shortener list (for tests and special cases): a
/// comma-separated list of `host` or `host=ADDR:PORT` (requests for that host then go to
/// `http://ADDR:PORT` instead).
pub const HOSTS_ENV: &str = "TRACEHOUND_SHORTENER_HOSTS";

/// Settings of one resolution step.
pub struct Settings {
    /// Distinct links resolved at most.
    pub max: usize,
    /// Limit on one request.
    pub per_request: Duration,
    /// Limit on the whole step.
    pub budget: Duration,
}

/// The shortener hosts, and where to send requests for each (an override for tests).
struct Shorteners {
    hosts: Vec<(String, Option<String>)>,
}

impl Shorteners {
    fn from_env() -> Self {
        match std::env::var(HOSTS_ENV) {
            Ok(v) if !v.trim().is_empty() => Shorteners {
                hosts: v
                    .split(',')
                    .map(str::trim)
                    .filter(|e| !e.is_empty())
                    .map(|e| match e.split_once('=') {
                        Some((h, a)) => (h.trim().to_ascii_lowercase(), Some(a.trim().to_string())),
                        None => (e.to_ascii_lowercase(), None),
                    })
                    .collect(),
            },
            _ => Shorteners {
                hosts: SHORTENER_HOSTS
                    .iter()
                    .map(|h| (h.to_string(), None))
                    .collect(),
            },
        }
    }

    /// The entry for `host` (equal to it or a parent domain of it).
    fn find(&self, host: &str) -> Option<&(String, Option<String>)> {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.hosts.iter().find(|(h, _)| {
            host == *h
                || host
                    .strip_suffix(h.as_str())
                    .is_some_and(|p| p.ends_with('.'))
        })
    }
}

/// The parts of an absolute http(s) URL: scheme, host, port (as written) and the rest
/// (path, query).
struct Parts<'a> {
    scheme: &'a str,
    host: &'a str,
    authority: &'a str,
    rest: &'a str,
}

fn parse(url: &str) -> Option<Parts<'_>> {
    let (scheme, after) = url.split_once("://")?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return None;
    }
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let authority = after.get(..end)?;
    let rest = after.get(end..)?;
    if authority.contains('@') {
        return None;
    }
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        authority.rsplit_once(':').map_or(authority, |(h, _)| h)
    };
    if host.is_empty() {
        return None;
    }
    Some(Parts {
        scheme,
        host,
        authority,
        rest,
    })
}

/// Trims punctuation a link in prose often ends with.
fn clean(link: &str) -> &str {
    link.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']', '>', '"', '\''])
}

/// Resolves `location` against `base`.
fn join(base: &Parts<'_>, location: &str) -> String {
    let location = location.trim();
    if parse(location).is_some() {
        location.to_string()
    } else if let Some(rest) = location.strip_prefix("//") {
        format!("{}://{rest}", base.scheme)
    } else if location.starts_with('/') {
        format!("{}://{}{location}", base.scheme, base.authority)
    } else {
        let path = base.rest.split(['?', '#']).next().unwrap_or("");
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        format!("{}://{}{dir}/{location}", base.scheme, base.authority)
    }
}

/// Where a link was found: report index and record index.
type Place = (usize, usize);

/// Collects the distinct shortened links, in order of first appearance, with where each is.
fn collect(reports: &[ModuleReport], shorteners: &Shorteners) -> Vec<(String, Vec<Place>)> {
    let mut order: Vec<(String, Vec<Place>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut obs = Vec::new();
    for (r, report) in reports.iter().enumerate() {
        let Some(out) = &report.output else { continue };
        for i in 0..out.records.len() {
            obs.clear();
            out.records.observables(i, &mut obs);
            for o in &obs {
                let links = match *o {
                    Observable::Url(u) => vec![u],
                    Observable::Text(t) => extract_links(t),
                    _ => continue,
                };
                for link in links {
                    let link = clean(link.trim());
                    let Some(p) = parse(link) else { continue };
                    if shorteners.find(p.host).is_none() {
                        continue;
                    }
                    let n = *index.entry(link.to_string()).or_insert_with(|| {
                        order.push((link.to_string(), Vec::new()));
                        order.len() - 1
                    });
                    if let Some((_, places)) = order.get_mut(n) {
                        if !places.contains(&(r, i)) {
                            places.push((r, i));
                        }
                    }
                }
            }
        }
    }
    order
}

/// One `HEAD` request, redirects not followed: the `Location` if the answer is a redirect.
fn head(url: &str, timeout: Duration) -> Result<String, String> {
    let (status, location) = tracehound_feeds::fetch::head_location(url, timeout)?;
    if !(300..400).contains(&status) {
        return Err(format!("no redirect (the server answered {status})"));
    }
    location.ok_or_else(|| format!("a {status} redirect without a Location"))
}

/// A link not (yet) resolved, with why when `error` is given.
fn unresolved(url: &str, error: Option<String>) -> ShortUrlExpansion {
    ShortUrlExpansion {
        url: url.to_string(),
        expanded_url: None,
        contacted: Vec::new(),
        error,
    }
}

/// Follows `url` through at most [`MAX_HOPS`] redirects while they lead to shorteners.
fn expand(
    timeout: Duration,
    shorteners: &Shorteners,
    url: &str,
    deadline: Instant,
) -> ShortUrlExpansion {
    let mut e = unresolved(url, None);
    let mut current = url.to_string();
    for _ in 0..MAX_HOPS {
        let Some(parts) = parse(&current) else {
            e.error = Some(format!("not an http(s) URL: {current}"));
            break;
        };
        let Some((_, addr)) = shorteners.find(parts.host) else {
            break;
        };
        if Instant::now() >= deadline {
            e.error = Some("time budget spent".into());
            break;
        }
        // A test override sends the request to a local address, keeping the path.
        let target = match addr {
            Some(a) => format!("http://{a}{}", parts.rest),
            None => current.clone(),
        };
        e.contacted.push(current.clone());
        let left = deadline.saturating_duration_since(Instant::now());
        match head(&target, timeout.min(left)) {
            Ok(location) => {
                let next = join(&parts, &location);
                e.expanded_url = Some(next.clone());
                current = next;
            }
            Err(err) => {
                e.error = Some(err);
                break;
            }
        }
    }
    e
}

/// Resolves the shortened links in `reports`, adds an alert to a record's module report for
/// each expansion matching an indicator, and returns what was contacted (for `info.json`).
pub fn resolve(
    ui: &Ui,
    reports: &mut [ModuleReport],
    matcher: &dyn Matcher,
    settings: &Settings,
) -> Vec<ShortUrlExpansion> {
    let shorteners = Shorteners::from_env();
    let links = collect(reports, &shorteners);
    if links.is_empty() {
        ui.say(
            Tone::Plain,
            "Short URLs: no shortened links found; nothing to resolve, no network access",
        );
        return Vec::new();
    }
    let n = links.len().min(settings.max);
    ui.say(
        Tone::Warn,
        &format!(
            "Short URLs: going ONLINE (--resolve-short-urls) to expand {n} of {} shortened \
             links with HEAD requests to the shortening services ({}s per request, {}s in all); \
             the services, and whoever made the links, can see these requests",
            links.len(),
            settings.per_request.as_secs_f64(),
            settings.budget.as_secs_f64()
        ),
    );
    let deadline = Instant::now() + settings.budget;
    let mut expansions = Vec::with_capacity(links.len());
    let mut hits: Vec<IndicatorMatch> = Vec::new();
    let mut alerted = 0usize;
    for (k, (url, places)) in links.iter().enumerate() {
        let e = if k >= settings.max {
            let why = format!(
                "not resolved: over the --resolve-short-urls-max cap of {}",
                settings.max
            );
            unresolved(url, Some(why))
        } else if Instant::now() >= deadline {
            unresolved(url, Some("not resolved: time budget spent".into()))
        } else {
            expand(settings.per_request, &shorteners, url, deadline)
        };
        // Every URL a hop led to is checked, the last one included.
        let mut reached: Vec<&str> = e.contacted.iter().skip(1).map(String::as_str).collect();
        reached.extend(e.expanded_url.as_deref());
        reached.dedup();
        for target in reached {
            hits.clear();
            matcher.check(Observable::Url(target), &mut hits);
            let mut seen = Vec::new();
            for hit in hits.drain(..) {
                if seen.contains(&hit.indicator) {
                    continue;
                }
                seen.push(hit.indicator.clone());
                let ioc = &hit.indicator;
                let message = format!(
                    "Shortened URL \"{url}\" expands to \"{target}\", matching indicator \
                     \"{}\" from \"{}\" ({})",
                    ioc.value, ioc.name, ioc.stix2_file_name
                );
                for &(r, i) in places {
                    let Some(report) = reports.get_mut(r) else {
                        continue;
                    };
                    let event_time = report.output.as_ref().and_then(|o| o.records.event_time(i));
                    report.alerts.push(Alert {
                        level: Level::Critical,
                        module: report.meta.slug,
                        message: message.clone(),
                        event_time,
                        record: Some(i),
                        matched_indicator: Some(hit.indicator.clone()),
                    });
                    alerted += 1;
                }
                ui.say(Tone::Warn, &message);
            }
        }
        expansions.push(e);
    }
    let expanded = expansions
        .iter()
        .filter(|e| e.expanded_url.is_some())
        .count();
    ui.say(
        Tone::Plain,
        &format!(
            "Short URLs: {expanded} of {} expanded, {alerted} alerts; see short_urls in info.json",
            links.len()
        ),
    );
    expansions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_joins() {
        let s = Shorteners {
            hosts: vec![("bit.ly".into(), None)],
        };
        assert!(s.find("bit.ly").is_some());
        assert!(s.find("BIT.LY.").is_some());
        assert!(s.find("x.bit.ly").is_some());
        assert!(s.find("notbit.ly").is_none());
        let p = parse("https://bit.ly:8443/a/b?q=1").unwrap();
        assert_eq!(p.host, "bit.ly");
        assert_eq!(join(&p, "/z"), "https://bit.ly:8443/z");
        assert_eq!(join(&p, "c"), "https://bit.ly:8443/a/c");
        assert_eq!(join(&p, "//e.example/x"), "https://e.example/x");
        assert_eq!(join(&p, "http://e.example/y"), "http://e.example/y");
        assert!(parse("ftp://bit.ly/x").is_none());
        assert!(parse("http://u@bit.ly/x").is_none());
        assert_eq!(clean("http://bit.ly/abc)."), "http://bit.ly/abc");
    }
}
