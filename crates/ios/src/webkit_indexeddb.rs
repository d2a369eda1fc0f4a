//! Sites that stored IndexedDB data in an app's web views: the origin-named folders of
//! `/private/var/mobile/Containers/Data/Application/<UUID>/Library/WebKit/WebsiteData/IndexedDB`
//! (iOS 11 to 16; later versions hash origins into `WebsiteData/Default/`, read by
//! `webkit_origins`). Not in backups. Each site is a URL matched against indicators; see
//! `webkit_folders`.

use tracehound_core::{AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, Platform};
use tracehound_evidence::IosSource;

/// The folders listed (device paths; `*` is one app's data container).
pub const FOLDERS: &[&str] =
    &["private/var/mobile/Containers/Data/Application/*/Library/WebKit/WebsiteData/IndexedDB"];

/// The WebkitIndexedDB module.
pub struct WebkitIndexedDB;

static META: ModuleMeta = ModuleMeta {
    slug: "webkit_indexeddb",
    name: "WebkitIndexedDB",
    description: "Sites whose IndexedDB data apps' web views stored (WebKit folder names)",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosFilesystem],
    artifacts: &[
        "/private/var/mobile/Containers/Data/Application/*/Library/WebKit/WebsiteData/IndexedDB",
    ],
    dependencies: &[],
};

impl Module<dyn IosSource> for WebkitIndexedDB {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(
        &self,
        ev: &dyn IosSource,
        _: &tracehound_core::module::ModuleContext<'_>,
    ) -> Result<ModuleOutput, ModuleError> {
        crate::webkit_folders::collect(ev, FOLDERS, "webkit_indexeddb", "IndexedDB folder")
    }
}
