//! Next steps printed under an error, for the errors analysts meet most. The error messages
//! themselves already say what to pass where the fix is one option (a password for an
//! encrypted backup, `--force` for an existing output folder).

use tracehound_evidence::detect::DetectError;
use tracehound_feeds::FeedError;

/// A line of advice for `e`, if there is one.
pub fn for_error(e: &anyhow::Error) -> Option<&'static str> {
    for cause in e.chain() {
        if let Some(d) = cause.downcast_ref::<DetectError>() {
            return match d {
                DetectError::Unrecognised(_) => Some(
                    "hint: give the acquisition itself: an iOS backup is the folder holding \
                     Manifest.db (Finder and iTunes keep them under MobileSync/Backup/<device \
                     id>); an androidqf acquisition is the folder or .zip androidqf wrote",
                ),
                _ => None,
            };
        }
        if let Some(f) = cause.downcast_ref::<FeedError>() {
            return match f {
                FeedError::Download { .. } | FeedError::Index { .. } => Some(
                    "hint: check the network connection (and HTTPS_PROXY if one is needed), \
                     then run `tracehound iocs update` again; checks keep working with the \
                     indicators already installed or bundled",
                ),
                _ => None,
            };
        }
    }
    None
}

/// Advice when most modules found no artefact.
pub const NOTHING_FOUND: &str = "hint: most modules found no artefact: check that PATH is the \
    whole acquisition (for an iOS backup, the folder holding Manifest.db, from a finished \
    backup), and the names given to --module";
