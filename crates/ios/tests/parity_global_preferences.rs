//! GlobalPreferences records equal MVT's on its public backup (16 preferences, Lockdown Mode
//! on), and so does its one detection.

mod support;

#[path = "support/mvt_timeline.rs"]
mod mvt_timeline;

use tracehound_core::Level;

#[test]
fn global_preferences_records_match_mvt() {
    support::assert_parity("global_preferences");
}

#[test]
fn lockdown_mode_is_reported_as_mvt_does() {
    let out = mvt_timeline::run("global_preferences");
    assert_eq!(out.records.len(), 16);
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    assert_eq!(out.alerts.len(), 1);
    let alert = &out.alerts[0];
    assert_eq!(alert.level, Level::Informational);
    assert_eq!(alert.message, "Lockdown Mode enabled");
    let record = out.records.record_json(alert.record.unwrap());
    let detected: serde_json::Value = serde_json::from_slice(
        &std::fs::read(
            mvt_timeline::mvt().join("expected/ios_backup/global_preferences_detected.json"),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(detected.as_array().unwrap().len(), 1);
    assert_eq!(detected[0]["level"], "INFORMATIONAL");
    assert_eq!(record, detected[0]["event"]);
    // MVT writes no timeline events for preferences; neither do we.
    mvt_timeline::assert_timeline(&out, "GlobalPreferences", 0);
    assert_eq!(alert.event_time, None);
}

#[test]
fn dates_lists_and_numbers_keep_mvt_form() {
    let ours = support::run_module("global_preferences");
    let by_entry = |k: &str| {
        ours.as_array()
            .unwrap()
            .iter()
            .find(|r| r["entry"] == k)
            .unwrap()["value"]
            .clone()
    };
    assert_eq!(
        by_entry("AKLastEmailListRequestDateKey"),
        "2023-08-01 21:21:46.150919"
    );
    assert_eq!(
        by_entry("AppleLanguages"),
        serde_json::json!(["en-FR", "fr-FR"])
    );
    assert_eq!(by_entry("AppleLanguagesSchemaVersion"), 3000);
    assert_eq!(ours[0]["entry"], "WebKitShowLinkPreviews");
}
