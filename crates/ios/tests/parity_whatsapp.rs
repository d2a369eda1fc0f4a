//! WhatsApp records equal MVT's on its public backup: 3 messages, 1 LID pair, 2 chat sessions;
//! so do its timeline events, and the message with a link exposes it to indicator matching.

mod support;

#[path = "support/mvt_timeline.rs"]
mod mvt_timeline;

use mvt_timeline::{assert_timeline, run};
use tracehound_core::Observable;

#[test]
fn whatsapp_records_match_mvt() {
    support::assert_parity("whatsapp");
}

#[test]
fn whatsapp_timeline_matches_mvt() {
    let out = run("whatsapp");
    assert_eq!(out.records.len(), 6);
    assert_timeline(&out, "Whatsapp", 9);
}

#[test]
fn whatsapp_link_is_an_observable() {
    let out = run("whatsapp");
    assert!(out.alerts.is_empty());
    let mut with_link = Vec::new();
    for i in 0..out.records.len() {
        let mut obs = Vec::new();
        out.records.observables(i, &mut obs);
        if obs.contains(&Observable::Url("https://example.org/news")) {
            assert!(obs.contains(&Observable::Text("Check https://example.org/news")));
            with_link.push(i);
        }
    }
    assert_eq!(with_link, vec![1]);
    // The LID database is not listed in Manifest.db: it is found by its backup ID.
    assert!(out
        .inputs
        .iter()
        .any(|f| f.path == "e7/e794f6ffcc3c222535f47684a63d5178da3c4500"));
}
