//! The interaction's timeline events and their descriptions.

use super::record::{time, Interaction};
use crate::whatsapp::sql::{py_display, py_str};
use tracehound_core::TimelineEvent;

#[derive(Clone, Copy)]
enum Party {
    Sender,
    Recipient,
    Domain,
}

/// A creation date this far from the start date means the record was backfilled (sync,
/// restore or tampering); closer, it only repeats the start date.
const CREATION_DIVERGENCE_SECS: f64 = 3600.0;

fn describe_delta(secs: f64) -> String {
    if secs >= 86400.0 {
        format!("{:.0} days", secs / 86400.0)
    } else {
        format!("{:.0} hours", secs / 3600.0)
    }
}

impl Interaction {
    /// "Name (number)", the name or the number alone, for a party of the interaction.
    fn party(&self, who: Party) -> Option<String> {
        let w = self.whatsapp.as_ref();
        let (display, resolved_name, resolved_phone, identifier) = match who {
            Party::Sender => (
                py_str(&self.sender_display_name),
                w.and_then(|w| w.sender_resolved_name.clone()),
                w.and_then(|w| w.sender_resolved_phone_number.clone()),
                py_str(&self.sender_identifier),
            ),
            Party::Recipient => (
                py_str(&self.recipient_display_name),
                w.and_then(|w| w.recipient_resolved_name.clone()),
                w.and_then(|w| w.recipient_resolved_phone_number.clone()),
                py_str(&self.recipient_identifier),
            ),
            Party::Domain => (
                None,
                w.and_then(|w| w.domain_resolved_name.clone()),
                w.and_then(|w| w.domain_resolved_phone_number.clone()),
                py_str(&self.domain_identifier),
            ),
        };
        let name = display.filter(|s| !s.is_empty()).or(resolved_name);
        let id = resolved_phone.filter(|s| !s.is_empty()).or(identifier);
        match (name, id) {
            (Some(name), Some(id)) => {
                // A name that is only the number, formatted, says nothing more.
                let digits = |s: &str| s.chars().filter(|c| c.is_numeric()).collect::<String>();
                let nd = digits(&name);
                if !nd.is_empty() && nd == digits(&id) {
                    Some(id)
                } else {
                    Some(format!("{name} ({id})"))
                }
            }
            (name, id) => name.or(id).filter(|s| !s.is_empty()),
        }
    }

    fn describe(&self) -> String {
        let direction = py_str(&self.direction);
        let mut sender = self.party(Party::Sender);
        let mut recipient = self
            .party(Party::Recipient)
            .or_else(|| self.party(Party::Domain));
        if sender.is_none() && direction.as_deref() == Some("OUTGOING") {
            sender = Some("local user".into());
        }
        if recipient.is_none() && direction.as_deref() == Some("INCOMING") {
            recipient = Some("local user".into());
        }
        let mut data = format!("[{}]", py_display(&self.bundle_id));
        for part in [py_str(&self.account), direction].into_iter().flatten() {
            data.push(' ');
            data.push_str(&part);
        }
        data.push_str(&format!(
            " from {} to {}",
            sender.as_deref().unwrap_or("unknown"),
            recipient.as_deref().unwrap_or("unknown")
        ));
        if let Some(g) = py_str(&self.group_name) {
            data.push_str(&format!(" (group: {g})"));
        }
        if let Some(c) = py_str(&self.content) {
            data.push_str(&format!(": {c}"));
        }
        data
    }

    /// MVT's events: start and end, a creation date far from the start, the sender's
    /// contact-level dates.
    pub(super) fn push_timeline(&self, out: &mut Vec<TimelineEvent>) {
        let data = self.describe();
        let start = time(&self.start_date);
        let end = time(&self.end_date);
        if start.is_some() {
            out.push(TimelineEvent::new(start, "start_date", data.clone()));
        }
        if end.is_some() && end != start {
            out.push(TimelineEvent::new(end, "end_date", data.clone()));
        }
        if let Some(created) = time(&self.interactions_creation_date) {
            match start {
                None => out.push(TimelineEvent::new(
                    Some(created),
                    "interactions_creation_date",
                    data,
                )),
                Some(s) => {
                    let delta = (created.unix_micros() - s.unix_micros()) as f64 / 1e6;
                    if delta.abs() >= CREATION_DIVERGENCE_SECS {
                        let when = if delta > 0.0 { "after" } else { "before" };
                        out.push(TimelineEvent::new(
                            Some(created),
                            "interactions_creation_date",
                            format!(
                                "Interaction record created {} {when} the event: {data}",
                                describe_delta(delta.abs())
                            ),
                        ));
                    }
                }
            }
        }
        // Contact-level dates repeat on every row of a contact; the description names only the
        // contact so that the timeline keeps one event per contact.
        let Some(party) = self.party(Party::Sender) else {
            return;
        };
        let contact_dates = [
            (
                &self.contacts_creation_date,
                "contacts_creation_date",
                "Contact {} first recorded in interactionC",
            ),
            (
                &self.first_incoming_sender_date,
                "first_incoming_sender_date",
                "First incoming interaction from {}",
            ),
            (
                &self.last_incoming_sender_date,
                "last_incoming_sender_date",
                "Last incoming interaction from {}",
            ),
            (
                &self.first_incoming_recipient_date,
                "first_incoming_recipient_date",
                "First incoming interaction where {} was a recipient",
            ),
            (
                &self.last_incoming_recipient_date,
                "last_incoming_recipient_date",
                "Last incoming interaction where {} was a recipient",
            ),
            (
                &self.first_outgoing_recipient_date,
                "first_outgoing_recipient_date",
                "First outgoing interaction to {}",
            ),
            (
                &self.last_outgoing_recipient_date,
                "last_outgoing_recipient_date",
                "Last outgoing interaction to {}",
            ),
        ];
        for (date, event, template) in contact_dates {
            if let Some(t) = time(date) {
                out.push(TimelineEvent::new(
                    Some(t),
                    event,
                    template.replace("{}", &party),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interactionc::record::label_direction;
    use tracehound_evidence::rawrow::RawValue;

    #[test]
    fn delta_rounding_and_directions() {
        assert_eq!(describe_delta(90.0 * 86400.0), "90 days");
        assert_eq!(describe_delta(3600.0), "1 hours");
        assert_eq!(
            label_direction(RawValue::Text("1".into())),
            RawValue::Text("OUTGOING".into())
        );
        assert_eq!(
            label_direction(RawValue::Real(0.0)),
            RawValue::Text("INCOMING".into())
        );
        assert_eq!(label_direction(RawValue::Int(7)), RawValue::Int(7));
    }
}
