//! The interaction record, its observables and its timeline.

use super::contacts::Directory;
use crate::whatsapp::sql::mac_time;
use serde::Serialize;
use tracehound_core::{Observable, Record, TimelineEvent, Timestamp};
use tracehound_evidence::rawrow::RawValue;

/// A date column: Mac absolute time converted, or a non-numeric value kept as found.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum DateValue {
    /// A converted time.
    Time(Timestamp),
    /// Text or a blob where a number was expected.
    Raw(RawValue),
}

impl DateValue {
    fn from_raw(v: RawValue) -> Option<Self> {
        match v {
            RawValue::Null => None,
            RawValue::Int(_) | RawValue::Real(_) => mac_time(&v).map(DateValue::Time),
            other => Some(DateValue::Raw(other)),
        }
    }

    fn time(&self) -> Option<Timestamp> {
        match self {
            DateValue::Time(t) => Some(*t),
            DateValue::Raw(RawValue::Text(s)) => Timestamp::parse(s),
            DateValue::Raw(_) => None,
        }
    }
}

pub(super) fn time(v: &Option<DateValue>) -> Option<Timestamp> {
    v.as_ref().and_then(DateValue::time)
}

/// Who a WhatsApp interaction's identifiers stand for.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct WhatsappResolution {
    /// Phone number of the sender.
    pub sender_resolved_phone_number: Option<String>,
    /// Contact name of the sender.
    pub sender_resolved_name: Option<String>,
    /// Phone number of the recipient.
    pub recipient_resolved_phone_number: Option<String>,
    /// Contact name of the recipient.
    pub recipient_resolved_name: Option<String>,
    /// Phone number of the chat peer named by `domain_identifier`.
    pub domain_resolved_phone_number: Option<String>,
    /// Contact name of that peer.
    pub domain_resolved_name: Option<String>,
}

impl WhatsappResolution {
    /// Resolves the sender (identifier, else custom ID), recipient and domain identifiers.
    pub(super) fn resolve(r: &Interaction, dir: &Directory) -> Self {
        let first = |values: &[&RawValue]| {
            let mut found = (None, None);
            for v in values {
                found = dir.resolve(v);
                if found.0.is_some() || found.1.is_some() {
                    break;
                }
            }
            found
        };
        let (sp, sn) = first(&[&r.sender_identifier, &r.custom_id]);
        let (rp, rn) = first(&[&r.recipient_identifier]);
        let (dp, dn) = first(&[&r.domain_identifier]);
        WhatsappResolution {
            sender_resolved_phone_number: sp,
            sender_resolved_name: sn,
            recipient_resolved_phone_number: rp,
            recipient_resolved_name: rn,
            domain_resolved_phone_number: dp,
            domain_resolved_name: dn,
        }
    }
}

/// One interaction row (one per attachment and recipient, as the join yields them).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[allow(missing_docs)] // fields are MVT's names for the columns listed in `query::FIELDS`
pub struct Interaction {
    pub start_date: Option<DateValue>,
    pub end_date: Option<DateValue>,
    pub bundle_id: RawValue,
    pub account: RawValue,
    pub target_bundle_id: RawValue,
    /// `INCOMING`, `OUTGOING`, or the raw code for other values.
    pub direction: RawValue,
    pub sender_display_name: RawValue,
    pub sender_identifier: RawValue,
    pub sender_personid: RawValue,
    pub recipient_display_name: RawValue,
    pub recipient_identifier: RawValue,
    pub recipient_personid: RawValue,
    pub recipient_count: RawValue,
    pub domain_identifier: RawValue,
    pub is_response: RawValue,
    pub content: RawValue,
    pub uti: RawValue,
    pub attachment_content_url: RawValue,
    pub size: RawValue,
    pub photo_local_id: RawValue,
    /// Hex of the attachment's identifier blob.
    pub attachment_id: RawValue,
    pub cloud_id: RawValue,
    pub incoming_recipient_count: RawValue,
    pub incoming_sender_count: RawValue,
    pub outgoing_recipient_count: RawValue,
    pub interactions_creation_date: Option<DateValue>,
    pub contacts_creation_date: Option<DateValue>,
    pub first_incoming_recipient_date: Option<DateValue>,
    pub first_incoming_sender_date: Option<DateValue>,
    pub first_outgoing_recipient_date: Option<DateValue>,
    pub last_incoming_sender_date: Option<DateValue>,
    pub last_incoming_recipient_date: Option<DateValue>,
    pub last_outgoing_recipient_date: Option<DateValue>,
    pub custom_id: RawValue,
    pub interaction_content_url: RawValue,
    pub location_uuid: RawValue,
    pub group_name: RawValue,
    pub derivied_intent_id: RawValue,
    pub table_id: RawValue,
    /// For WhatsApp interactions only.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub whatsapp: Option<WhatsappResolution>,
}

pub(super) fn label_direction(v: RawValue) -> RawValue {
    let code = match &v {
        RawValue::Text(t) => t.trim().parse::<i64>().ok(),
        other => other.as_i64(),
    };
    match code {
        Some(0) => RawValue::Text("INCOMING".into()),
        Some(1) => RawValue::Text("OUTGOING".into()),
        _ => v,
    }
}

impl Interaction {
    /// Builds a record from the values of a row of [`super::query::build`]'s query, in
    /// [`super::query::FIELDS`] order (struct fields are evaluated in the order written).
    pub fn from_values(values: Vec<RawValue>) -> Self {
        let mut it = values.into_iter();
        let mut v = || it.next().unwrap_or(RawValue::Null);
        Interaction {
            start_date: DateValue::from_raw(v()),
            end_date: DateValue::from_raw(v()),
            bundle_id: v(),
            account: v(),
            target_bundle_id: v(),
            direction: label_direction(v()),
            sender_display_name: v(),
            sender_identifier: v(),
            sender_personid: v(),
            recipient_display_name: v(),
            recipient_identifier: v(),
            recipient_personid: v(),
            recipient_count: v(),
            domain_identifier: v(),
            is_response: v(),
            content: v(),
            uti: v(),
            attachment_content_url: v(),
            size: v(),
            photo_local_id: v(),
            attachment_id: v(),
            cloud_id: v(),
            incoming_recipient_count: v(),
            incoming_sender_count: v(),
            outgoing_recipient_count: v(),
            interactions_creation_date: DateValue::from_raw(v()),
            contacts_creation_date: DateValue::from_raw(v()),
            first_incoming_recipient_date: DateValue::from_raw(v()),
            first_incoming_sender_date: DateValue::from_raw(v()),
            first_outgoing_recipient_date: DateValue::from_raw(v()),
            last_incoming_sender_date: DateValue::from_raw(v()),
            last_incoming_recipient_date: DateValue::from_raw(v()),
            last_outgoing_recipient_date: DateValue::from_raw(v()),
            custom_id: v(),
            interaction_content_url: v(),
            location_uuid: v(),
            group_name: v(),
            derivied_intent_id: v(),
            table_id: v(),
            whatsapp: None,
        }
    }
}

impl Record for Interaction {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        for id in [&self.bundle_id, &self.target_bundle_id] {
            if let Some(s) = id.as_str().filter(|s| !s.is_empty()) {
                out.push(Observable::AppId(s));
            }
        }
        for url in [&self.interaction_content_url, &self.attachment_content_url] {
            if let Some(s) = url.as_str().filter(|s| s.contains("://")) {
                out.push(Observable::Url(s));
            }
        }
        if let Some(s) = self.content.as_str().filter(|s| !s.is_empty()) {
            out.push(Observable::Text(s));
        }
        // iMessage peers can be Apple IDs: e-mail addresses.
        for id in [&self.sender_identifier, &self.recipient_identifier] {
            if let Some(s) = id.as_str().filter(|s| is_email(s)) {
                out.push(Observable::Email(s));
            }
        }
    }

    fn timeline(&self, out: &mut Vec<TimelineEvent>) {
        self.push_timeline(out);
    }

    fn event_time(&self) -> Option<Timestamp> {
        time(&self.start_date)
    }
}

fn is_email(s: &str) -> bool {
    const WHATSAPP: [&str; 4] = ["@lid", "@g.us", "@s.whatsapp.net", "@broadcast"];
    matches!(s.split_once('@'), Some((user, host)) if !user.is_empty() && host.contains('.'))
        && !WHATSAPP.iter().any(|w| s.ends_with(w))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interactionc::query::FIELDS;

    #[test]
    fn fields_follow_query_order() {
        let values = (0..FIELDS.len())
            .map(|i| RawValue::Text(format!("v{i}").into()))
            .collect();
        let json = serde_json::to_value(Interaction::from_values(values)).unwrap();
        let obj = json.as_object().unwrap();
        let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        let names: Vec<&str> = FIELDS.iter().map(|f| f.0).collect();
        assert_eq!(keys, names);
        for (i, (name, ..)) in FIELDS.iter().enumerate() {
            assert_eq!(obj[*name], format!("v{i}"), "{name}");
        }
    }
}
