//! WebKit ResourceLoadStatistics records equal MVT's on its public backup.

mod support;

#[test]
fn webkit_resource_load_statistics_records_match_mvt() {
    support::assert_parity("webkit_resource_load_statistics");
}

#[test]
fn never_interacted_domain_has_no_interaction_date() {
    let ours = support::run_module("webkit_resource_load_statistics");
    let ours = ours.as_array().unwrap();
    assert_eq!(ours.len(), 2);
    let gstatic = &ours[1];
    assert_eq!(gstatic["registrable_domain"], "gstatic.com");
    assert_eq!(gstatic["most_recent_user_interaction_time"], -1.0);
    assert!(gstatic
        .get("most_recent_user_interaction_time_isodate")
        .is_none());
    assert!(ours[0]
        .get("most_recent_user_interaction_time_isodate")
        .is_some());
}
