//! SafariBrowserState records equal MVT's on its public backup (one tab, no session history);
//! so does its timeline event, and the tab's URL is exposed to indicators.

mod support;

#[path = "support/mvt_timeline.rs"]
mod mvt_timeline;

use mvt_timeline::{assert_timeline, run};
use tracehound_core::Observable;

#[test]
fn safari_browser_state_records_match_mvt() {
    support::assert_parity("safari_browser_state");
}

#[test]
fn safari_browser_state_timeline_matches_mvt() {
    let out = run("safari_browser_state");
    assert_eq!(out.records.len(), 1);
    assert_timeline(&out, "SafariBrowserState", 1);
    assert!(out.alerts.is_empty());
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
}

#[test]
fn tab_urls_are_observables() {
    let out = run("safari_browser_state");
    let mut obs = Vec::new();
    out.records.observables(0, &mut obs);
    let url = "https://en.wikipedia.org/wiki/NSO_Group";
    assert_eq!(obs, [Observable::Url(url), Observable::Url(url)]);
    assert_eq!(
        out.records.record_json(0)["safari_profile"],
        serde_json::Value::Null
    );
}
