//! WhatsappContacts records equal MVT's on its public backup (two contacts, one with a 24-hour
//! disappearing-messages timer); so do its timeline events.

mod support;

#[path = "support/mvt_timeline.rs"]
mod mvt_timeline;

use mvt_timeline::{assert_timeline, run};

#[test]
fn whatsapp_contacts_records_match_mvt() {
    support::assert_parity("whatsapp_contacts");
}

#[test]
fn whatsapp_contacts_timeline_matches_mvt() {
    let out = run("whatsapp_contacts");
    assert_eq!(out.records.len(), 2);
    assert_timeline(&out, "WhatsappContacts", 5);
    assert!(out.alerts.is_empty());
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
}
