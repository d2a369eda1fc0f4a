//! TCC records equal MVT's on its public backup.

mod support;

#[test]
fn tcc_records_match_mvt() {
    support::assert_parity("tcc");
}

#[test]
fn tcc_fixture_has_eleven_grants_with_plain_service_names() {
    let ours = support::run_module("tcc");
    let ours = ours.as_array().unwrap();
    assert_eq!(ours.len(), 11);
    let launch = ours.iter().find(|r| r["client"] == "Launch").unwrap();
    assert_eq!(launch["service"], "kTCCServiceLiverpool");
    assert_eq!(launch["service_name"], "cloudkit");
    assert_eq!(launch["auth_value"], "allowed");
    assert!(launch.get("allowed_value").is_none());
}
