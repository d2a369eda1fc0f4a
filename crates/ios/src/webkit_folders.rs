//! What the WebKit folder modules share (WebkitIndexedDB, WebkitLocalStorage,
//! WebkitSafariViewService): WebKit names the per-site files and folders of its website data
//! after the site's origin (`https_www.example.com_0.localstorage`, `http_example.org_0`), so
//! the names inside these folders record which sites an app's web views loaded. Each such name
//! becomes a record with the site's URL, dated by the folder's modification time (the files
//! themselves are not read). Full-filesystem dumps only.

use serde::Serialize;
use tracehound_core::{ModuleError, ModuleOutput, Observable, Record, TimelineEvent, Timestamp};
use tracehound_evidence::IosSource;

/// A site found in a WebKit website-data folder.
#[derive(Debug, Clone, Serialize)]
pub struct WebkitOrigin {
    /// The folder holding it (device path, relative to `/`).
    pub folder: String,
    /// The site's origin as a URL (`https://www.example.com`).
    pub url: String,
    /// The folder's modification time.
    #[serde(serialize_with = "crate::plist_json::or_empty")]
    pub isodate: Option<Timestamp>,
    /// The event name of the module's timeline (not written in records).
    #[serde(skip)]
    event: &'static str,
    /// What the module calls the folder in its timeline (not written in records).
    #[serde(skip)]
    label: &'static str,
}

impl Record for WebkitOrigin {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        out.push(Observable::Url(&self.url));
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        out.push(TimelineEvent::new(
            self.isodate,
            self.event,
            format!(
                "{} {} containing file for URL {}",
                self.label, self.folder, self.url
            ),
        ));
    }

    fn event_time(&self) -> Option<Timestamp> {
        self.isodate
    }
}

/// The URL an origin-named entry stands for (`https_a.com_0.localstorage` → `https://a.com`),
/// if its name starts with `http`.
pub fn origin_url(name: &str) -> Option<String> {
    if !name.starts_with("http") {
        return None;
    }
    let url = name
        .replacen("http_", "http://", 1)
        .replacen("https_", "https://", 1);
    Some(url.split('_').next().unwrap_or_default().to_string())
}

/// Lists the folders matching `patterns` and the origin-named entries inside each.
pub fn collect(
    ev: &dyn IosSource,
    patterns: &[&str],
    event: &'static str,
    label: &'static str,
) -> Result<ModuleOutput, ModuleError> {
    let mut folders: Vec<(String, Option<Timestamp>)> = Vec::new();
    for pattern in patterns {
        ev.list_matching(pattern, &mut |e| {
            if e.is_dir {
                folders.push((e.path.to_string(), e.modified));
            }
        })?;
    }
    if folders.is_empty() {
        return Err(ModuleError::NotFound(patterns.join(" or ")));
    }
    let mut records = Vec::new();
    for (folder, modified) in &folders {
        // Folder names may hold glob characters: compare the parent, not a pattern of it.
        let prefix = format!("{folder}/");
        ev.list_matching(&format!("{folder}/*"), &mut |e| {
            let Some(name) = e.path.strip_prefix(&prefix) else {
                return;
            };
            if name.contains('/') {
                return;
            }
            if let Some(url) = origin_url(name) {
                records.push(WebkitOrigin {
                    folder: folder.clone(),
                    url,
                    isodate: *modified,
                    event,
                    label,
                });
            }
        })?;
    }
    Ok(ModuleOutput::new(records))
}

#[cfg(test)]
mod tests {
    use super::origin_url;

    #[test]
    fn origins() {
        assert_eq!(
            origin_url("https_www.example.com_0.localstorage").as_deref(),
            Some("https://www.example.com")
        );
        assert_eq!(origin_url("http_a.org_0").as_deref(), Some("http://a.org"));
        assert_eq!(origin_url("httpx").as_deref(), Some("httpx"));
        assert_eq!(origin_url("v1"), None);
    }
}
