//! The one list of what `--redact` removes: record fields by module slug, as the modules (ours
//! and MVT's) name them. Add a field here and it is redacted in tables, alerts, and wherever its
//! values appear in free text.

/// Record fields redacted, by module slug (`*`: every module). Message bodies and subjects,
/// phone numbers, handles and contact identifiers (e-mail addresses, WhatsApp JIDs), contact
/// and participant names, and the device's own name and numbers.
pub const REDACTED_FIELDS: &[(&str, &[&str])] = &[
    (
        "*",
        &[
            "text",
            "ZTEXT",
            "body",
            "phone_number",
            "handle",
            "ZFROMJID",
            "ZTOJID",
            "ZPUSHNAME",
            "ZAUTHORNAME",
            "ZPARTNERNAME",
            "ZCONTACTJID",
            "ZCONTACTIDENTIFIER",
            "ZFULLNAME",
            "ZGIVENNAME",
            "ZLASTNAME",
            "ZPHONENUMBER",
            "contact_jid",
            "partner_name",
            "partner_resolved_phone_number",
            "participant_email",
            "participant_phone",
            "participant_comment",
        ],
    ),
    (
        "sms",
        &[
            "subject",
            "account",
            "destination_caller_id",
            "service_center",
            "attributedBody",
            "message_summary_info",
            "payload_data",
            "cache_roomnames",
            "group_title",
            "address",
            "recipients",
            "mms_body",
        ],
    ),
    ("sms_attachments", &["account", "destination_caller_id"]),
    ("calls", &["number", "name"]),
    (
        "contacts",
        &["value", "first", "middle", "last", "organization"],
    ),
    (
        "whatsapp",
        &[
            "ZMATCHEDTEXT",
            "ZSUMMARY",
            "ZTITLE",
            "ZCONTENT1",
            "ZCONTENT2",
            "lid",
        ],
    ),
    (
        "whatsapp_contacts",
        &[
            "whatsapp_id",
            "lid",
            "localized_phone_number",
            "full_name",
            "given_name",
            "last_name",
            "user_name",
            "business_name",
            "about_text",
            "notes",
        ],
    ),
    (
        "interaction_c",
        &[
            "account",
            "sender_display_name",
            "sender_identifier",
            "recipient_display_name",
            "recipient_identifier",
            "content",
            "group_name",
            "domain_identifier",
            "sender_resolved_phone_number",
            "sender_resolved_name",
            "recipient_resolved_phone_number",
            "recipient_resolved_name",
            "domain_resolved_phone_number",
            "domain_resolved_name",
        ],
    ),
    ("id_status_cache", &["user"]),
    ("calendar", &["summary", "description"]),
    (
        "backup_info",
        &[
            "Device Name",
            "Display Name",
            "Phone Number",
            "ICCID",
            "IMEI",
            "MEID",
            "Serial Number",
        ],
    ),
];

/// Whether field `name` of module `module`'s records is redacted.
pub fn is_redacted_field(module: &str, name: &str) -> bool {
    REDACTED_FIELDS
        .iter()
        .filter(|(m, _)| *m == "*" || *m == module)
        .any(|(_, fields)| fields.contains(&name))
}
