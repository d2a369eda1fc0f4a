//! Calendar records equal MVT's on its public backup (one event with its organizer); so do its
//! timeline events, and the organizer's address is exposed to e-mail indicators.

mod support;

#[path = "support/mvt_timeline.rs"]
mod mvt_timeline;

use mvt_timeline::{assert_timeline, run};
use tracehound_core::Observable;

#[test]
fn calendar_records_match_mvt() {
    support::assert_parity("calendar");
}

#[test]
fn calendar_timeline_matches_mvt() {
    let out = run("calendar");
    assert_eq!(out.records.len(), 1);
    assert_timeline(&out, "Calendar", 4);
}

#[test]
fn calendar_observables_and_no_alert() {
    let out = run("calendar");
    assert!(out.alerts.is_empty());
    let mut obs = Vec::new();
    out.records.observables(0, &mut obs);
    assert_eq!(
        obs,
        [
            Observable::Email("user@example.org"),
            Observable::Text("very very interesting things"),
        ]
    );
    assert_eq!(
        out.records
            .event_time(0)
            .map(|t| t.to_mvt_string())
            .as_deref(),
        Some("2023-04-11 18:30:06.000000")
    );
}
