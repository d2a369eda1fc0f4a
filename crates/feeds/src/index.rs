//! The indicator index in the mvt-indicators `indicators.yaml` format.
//!
//! ```yaml
//! indicators:
//!   - type: github
//!     name: NSO Group Pegasus Indicators of Compromise
//!     sources: [Amnesty International]
//!     references: [https://www.amnesty.org/…]
//!     github: {owner: AmnestyTech, repo: investigations, branch: master, path: 2021-07-18_nso/pegasus.stix2}
//!   - type: download_url
//!     name: …
//!     download_url: https://example.org/bundle.stix2
//! ```
//!
//! A `github` entry is fetched from `<raw base>/<owner>/<repo>/<branch>/<path>`. `source` and
//! `reference` (one string) are accepted as well as the lists. An entry that cannot be used
//! (unknown type, missing field, a path with `..`) is skipped with a reason; the others are
//! kept. YAML aliases are refused before the document is built, so a small index cannot expand
//! into a huge one.

use std::collections::BTreeSet;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;
use yaml_rust2::{Yaml, YamlLoader};

/// Longest local file name we create (bytes), before the extension.
const MAX_FILE_STEM: usize = 120;

/// One bundle the index lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedEntry {
    /// Its title in the index.
    pub name: String,
    /// Who published the indicators.
    pub sources: Vec<String>,
    /// Reports they come from.
    pub references: Vec<String>,
    /// Where to download it.
    pub url: String,
    /// The local file name in the indicators folder (unique within the index).
    pub file: String,
}

/// A parsed index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FeedIndex {
    /// Usable entries, in index order.
    pub entries: Vec<FeedEntry>,
    /// Entries skipped, each with why.
    pub skipped: Vec<String>,
}

/// Parses an index. `github_base` replaces `https://raw.githubusercontent.com`.
pub fn parse_index(text: &str, github_base: &str) -> Result<FeedIndex, String> {
    refuse_aliases(text)?;
    let docs = YamlLoader::load_from_str(text).map_err(|e| e.to_string())?;
    let doc = docs.first().ok_or("the document is empty")?;
    let list = doc["indicators"]
        .as_vec()
        .ok_or("no `indicators` list at the top")?;
    let mut index = FeedIndex::default();
    let mut taken = BTreeSet::new();
    for (i, item) in list.iter().enumerate() {
        let label = item["name"].as_str().map_or_else(
            || format!("entry {}", i + 1),
            |n| format!("entry {} ({n})", i + 1),
        );
        match entry(item, github_base) {
            Ok((name, sources, references, url, stem)) => {
                let file = unique_file(&stem, &mut taken);
                index.entries.push(FeedEntry {
                    name,
                    sources,
                    references,
                    url,
                    file,
                });
            }
            Err(why) => index.skipped.push(format!("{label}: {why}")),
        }
    }
    Ok(index)
}

type Parsed = (String, Vec<String>, Vec<String>, String, String);

fn entry(item: &Yaml, github_base: &str) -> Result<Parsed, String> {
    let name = item["name"].as_str().unwrap_or("").trim().to_string();
    let sources = strings(item, "sources", "source");
    let references = strings(item, "references", "reference");
    let kind = item["type"].as_str().ok_or("no `type`")?;
    let (url, stem) = match kind {
        "github" => {
            let gh = &item["github"];
            let field = |k: &str| -> Result<&str, String> {
                let v = gh[k].as_str().map(str::trim).unwrap_or("");
                if v.is_empty() {
                    return Err(format!("no `github.{k}`"));
                }
                Ok(v)
            };
            let (owner, repo, branch, path) = (
                field("owner")?,
                field("repo")?,
                field("branch")?,
                field("path")?,
            );
            for part in [owner, repo, branch] {
                if part.contains(['/', '\\', '?', '#']) || part == ".." || part == "." {
                    return Err(format!("unusable github field {part:?}"));
                }
            }
            let path = path.trim_start_matches('/');
            if path
                .split('/')
                .any(|s| s.is_empty() || s == ".." || s == ".")
                || path.contains(['\\', '?', '#'])
            {
                return Err(format!("unusable github path {path:?}"));
            }
            (
                format!("{github_base}/{owner}/{repo}/{branch}/{path}"),
                format!("{owner}_{repo}_{}", path.replace('/', "_")),
            )
        }
        "download_url" => {
            let url = item["download_url"]
                .as_str()
                .map(str::trim)
                .filter(|u| !u.is_empty())
                .ok_or("no `download_url`")?;
            let rest = url
                .split_once("://")
                .map(|(_, r)| r)
                .ok_or("`download_url` is not a URL")?;
            let rest = rest.split(['?', '#']).next().unwrap_or(rest);
            (url.to_string(), rest.replace('/', "_"))
        }
        other => return Err(format!("unknown type {other:?}")),
    };
    Ok((name, sources, references, url, stem))
}

/// A list field, or its one-string form.
fn strings(item: &Yaml, list: &str, one: &str) -> Vec<String> {
    if let Some(v) = item[list].as_vec() {
        return v
            .iter()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect();
    }
    item[one]
        .as_str()
        .map(|s| vec![s.to_string()])
        .unwrap_or_default()
}

/// A safe, unique local file name: ASCII letters, digits, `.`, `_` and `-` only, not hidden,
/// bounded, ending in `.stix2` or `.json` so that a folder walk finds it.
fn unique_file(stem: &str, taken: &mut BTreeSet<String>) -> String {
    let mut clean: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    clean = clean.trim_start_matches(['.', '-']).to_string();
    let lower = clean.to_ascii_lowercase();
    let (mut base, ext) = if lower.ends_with(".stix2") || lower.ends_with(".json") {
        let dot = clean.rfind('.').unwrap_or(clean.len());
        (clean[..dot].to_string(), clean[dot..].to_string())
    } else {
        (clean, ".stix2".to_string())
    };
    if base.is_empty() {
        base = "indicators".into();
    }
    base.truncate(MAX_FILE_STEM);
    let mut name = format!("{base}{ext}");
    let mut n = 2;
    while !taken.insert(name.to_ascii_lowercase()) {
        name = format!("{base}-{n}{ext}");
        n += 1;
    }
    name
}

/// Fails on the first YAML alias.
fn refuse_aliases(text: &str) -> Result<(), String> {
    struct Aliases(bool);
    impl MarkedEventReceiver for Aliases {
        fn on_event(&mut self, ev: Event, _mark: Marker) {
            if matches!(ev, Event::Alias(_)) {
                self.0 = true;
            }
        }
    }
    let mut seen = Aliases(false);
    Parser::new_from_str(text)
        .load(&mut seen, true)
        .map_err(|e| e.to_string())?;
    if seen.0 {
        return Err("YAML aliases are not accepted in an index".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://raw.example";

    #[test]
    fn github_and_download_url_entries() {
        let text = "indicators:\n  -\n    type: github\n    name: Pegasus\n    sources:\n      - Amnesty International\n    references:\n      - https://a.example/r\n    github:\n      owner: AmnestyTech\n      repo: investigations\n      branch: master\n      path: 2021-07-18_nso/pegasus.stix2\n  - type: download_url\n    name: Other\n    source: Lab\n    download_url: https://lab.example/iocs/bundle.json?x=1\n  - type: ftp\n    name: Odd\n  - type: github\n    name: Escape\n    github: {owner: a, repo: b, branch: c, path: ../../etc/passwd}\n";
        let idx = parse_index(text, BASE).unwrap();
        assert_eq!(idx.entries.len(), 2);
        let e = &idx.entries[0];
        assert_eq!(
            e.url,
            "https://raw.example/AmnestyTech/investigations/master/2021-07-18_nso/pegasus.stix2"
        );
        assert_eq!(
            e.file,
            "AmnestyTech_investigations_2021-07-18_nso_pegasus.stix2"
        );
        assert_eq!(e.sources, ["Amnesty International"]);
        assert_eq!(idx.entries[1].file, "lab.example_iocs_bundle.json");
        assert_eq!(idx.entries[1].sources, ["Lab"]);
        assert_eq!(idx.skipped.len(), 2, "{:?}", idx.skipped);
        assert!(idx.skipped[0].contains("unknown type"));
        assert!(idx.skipped[1].contains("unusable github path"));
    }

    #[test]
    fn file_names_are_safe_and_unique() {
        let mut taken = BTreeSet::new();
        assert_eq!(unique_file("..hidden/x", &mut taken), "hidden_x.stix2");
        assert_eq!(unique_file("a b.STIX2", &mut taken), "a_b.STIX2");
        assert_eq!(unique_file("a_b.stix2", &mut taken), "a_b-2.stix2");
        assert_eq!(unique_file("", &mut taken), "indicators.stix2");
        assert!(unique_file(&"x".repeat(500), &mut taken).len() <= MAX_FILE_STEM + 6);
    }

    #[test]
    fn refuses_aliases_and_bad_documents() {
        let bomb = "a: &a [x, x]\nb: &b [*a, *a]\nindicators: [*b]\n";
        assert!(parse_index(bomb, BASE).unwrap_err().contains("aliases"));
        assert!(parse_index("", BASE).is_err());
        assert!(parse_index("other: 1\n", BASE)
            .unwrap_err()
            .contains("indicators"));
        assert!(parse_index("indicators: [\n", BASE).is_err());
    }
}
