//! Sites opened in apps through `SFSafariViewController` (links tapped in messaging and social
//! apps open there): the origin-named entries of an app container's
//! `SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData`, on device under
//! `/private/var/mobile/Containers/Data/Application/<UUID>/` (iOS 11 to 16). Not in backups.
//! Each site is a URL matched against indicators; see `webkit_folders`. MVT writes no timeline
//! for this module; ours has one event per site.

use tracehound_core::{AcquisitionKind, Module, ModuleError, ModuleMeta, ModuleOutput, Platform};
use tracehound_evidence::IosSource;

/// The folders listed (device paths; `*` is one app's data container).
pub const FOLDERS: &[&str] = &["private/var/mobile/Containers/Data/Application/*/SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData"];

/// The WebkitSafariViewService module.
pub struct WebkitSafariViewService;

static META: ModuleMeta = ModuleMeta {
    slug: "webkit_safari_view_service",
    name: "WebkitSafariViewService",
    description: "Sites opened in in-app Safari views (SafariViewService website data)",
    platform: Platform::Ios,
    kinds: &[AcquisitionKind::IosFilesystem],
    artifacts: &["/private/var/mobile/Containers/Data/Application/*/SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData"],
    dependencies: &[],
};

impl Module<dyn IosSource> for WebkitSafariViewService {
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
            "webkit_safari_view_service",
            "WebKit SafariViewService folder",
        )
    }
}
