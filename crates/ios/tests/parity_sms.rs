//! SMS records equal MVT's on its public backup.

mod support;

#[test]
fn sms_records_match_mvt() {
    support::assert_parity("sms");
}
