//! Sites that kept local storage in an app's web views: the origin-named
//! `*.localstorage` files of
//! `/private/var/mobile/Containers/Data/Application/<UUID>/Library/WebKit/WebsiteData/LocalStorage`
//! (iOS 11 to 16; later versions hash origins into `WebsiteData/Default/`). Not in backups.
//! Each site is a URL matched against indicators; see `webkit_folders`.

use tracehound_core::{AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, Platform};
use tracehound_evidence::IosSource;

/// The folders listed (device paths; `*` is one app's data container).
pub const FOLDERS: &[&str] =
    &["private/var/mobile/Containers/Data/Application/*/Library/WebKit/WebsiteData/LocalStorage"];

/// The WebkitLocalStorage module.
pub struct WebkitLocalStorage;

static META: ModuleMeta = ModuleMeta {
    slug: "webkit_local_storage",
    name: "WebkitLocalStorage",
    description: "Sites whose local storage apps' web views kept (WebKit file names)",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosFilesystem],
    artifacts: &[
        "/private/var/mobile/Containers/Data/Application/*/Library/WebKit/WebsiteData/LocalStorage",
    ],
    dependencies: &[],
};

impl Module<dyn IosSource> for WebkitLocalStorage {
    fn meta(&self) -> &'static ModuleMeta {
        &META
    }

    fn run(
        &self,
        ev: &dyn IosSource,
        _: &tracehound_core::module::ModuleContext<'_>,
    ) -> Result<ModuleOutput, ModuleError> {
        crate::webkit_folders::collect(
            ev,
            FOLDERS,
            "webkit_local_storage",
            "WebKit Local Storage folder",
        )
    }
}
