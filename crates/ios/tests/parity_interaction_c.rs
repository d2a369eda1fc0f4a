//! InteractionC records equal MVT's on its public backup: 3 interactions, two of them WhatsApp
//! ones whose LIDs resolve through WhatsApp's address book.

mod support;

#[test]
fn interaction_c_records_match_mvt() {
    support::assert_parity("interaction_c");
}

#[path = "support/mvt_timeline.rs"]
mod mvt_timeline;

use tracehound_core::Observable;

#[test]
fn interaction_c_timeline_matches_mvt() {
    let out = mvt_timeline::run("interaction_c");
    assert_eq!(out.records.len(), 3);
    assert!(out.alerts.is_empty());
    mvt_timeline::assert_timeline(&out, "InteractionC", 6);
}

#[test]
fn interaction_c_exposes_bundle_ids() {
    let out = mvt_timeline::run("interaction_c");
    let mut obs = Vec::new();
    for i in 0..out.records.len() {
        out.records.observables(i, &mut obs);
    }
    assert_eq!(
        obs,
        vec![
            Observable::AppId("net.whatsapp.WhatsApp"),
            Observable::AppId("net.whatsapp.WhatsApp"),
            Observable::AppId("com.apple.MobileSMS"),
        ]
    );
    // WhatsApp's address book was read to resolve the LIDs.
    assert!(out
        .inputs
        .iter()
        .any(|f| f.path == "b8/b8548dc30aa1030df0ce18ef08b882cf7ab5212f"));
}
