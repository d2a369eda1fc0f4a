//! The field rules of every module whose results `check-iocs` re-reads (see [`super::fields`]),
//! one module to a line or two, as a table.

use super::fields::{As::*, Rule, StoredModule};
use tracehound_core::{ModuleMeta, Platform};

macro_rules! stored {
    ($slug:literal, $name:literal, $platform:ident, [$(($path:literal, [$($as:ident),*])),* $(,)?]) => {
        StoredModule {
            meta: ModuleMeta {
                slug: $slug,
                name: $name,
                description: "",
                platform: Platform::$platform,
                kinds: &[],
                artifacts: &[],
                dependencies: &[],
            },
            rules: &[$(Rule { path: $path, kinds: &[$($as),*] }),*],
        }
    };
}

/// Every module whose results can be re-read, in alphabetical order of slug.
#[rustfmt::skip]
pub static MODULES: &[StoredModule] = &[
    stored!("analytics", "Analytics", Ios, [("*", [Process, Url])]),
    stored!("analytics_ios_versions", "AnalyticsIOSVersions", Ios, []),
    stored!("applications", "Applications", Ios, [
        ("softwareVersionBundleId", [AppId, Process]), ("name", [AppId])]),
    stored!("aqf_files", "AQFFiles", Android, [
        ("path", [FilePath]), ("sha256", [FileHash]), ("sha1", [FileHash]), ("md5", [FileHash])]),
    stored!("aqf_get_prop", "AQFGetProp", Android, [("name", [AndroidProperty])]),
    stored!("aqf_log_timestamps", "AQFLogTimestamps", Android, []),
    stored!("aqf_packages", "AQFPackages", Android, [
        ("name", [AppId]), ("files/*/sha256", [FileHash]), ("files/*/sha1", [FileHash]),
        ("files/*/md5", [FileHash]), ("files/*/certificate/Md5", [AppCertHash]),
        ("files/*/certificate/Sha1", [AppCertHash]), ("files/*/certificate/Sha256", [AppCertHash])]),
    stored!("aqf_processes", "AQFProcesses", Android, [("command", [Command])]),
    stored!("aqf_settings", "AQFSettings", Android, []),
    stored!("backup_info", "BackupInfo", Ios, [("Installed Applications/*", [AppId])]),
    stored!("bugreport_timestamps", "BugReportTimestamps", Android, []),
    stored!("cache_files", "CacheFiles", Ios, [("url", [Url])]),
    stored!("calendar", "Calendar", Ios, [
        ("participant_email", [Email]), ("url", [Url]), ("description", [Text])]),
    stored!("calls", "Calls", Ios, [("number", [EmailLike])]),
    stored!("chrome_favicon", "ChromeFavicon", Ios, [("url", [Url]), ("icon_url", [Url])]),
    stored!("chrome_history", "ChromeHistory", Ios, [("url", [Url])]),
    stored!("configuration_profiles", "ConfigurationProfiles", Ios, [
        ("plist/PayloadUUID", [ProfileId]), ("plist/PayloadIdentifier", [ProfileId]),
        ("plist", [DeepUrls])]),
    stored!("connect_event", "ConnectEvent", Android, [
        ("package_name", [AppId]), ("ip_address", [Ip])]),
    stored!("contacts", "Contacts", Ios, [("value", [Contact])]),
    stored!("datausage", "Datausage", Ios, [("proc_name", [Process]), ("bundle_id", [AppId])]),
    stored!("dbinfo", "DumpsysDBInfo", Android, [("path", [DottedComponents])]),
    stored!("dns_event", "DnsEvent", Android, [
        ("package_name", [AppId]), ("hostname", [Domain]), ("ip_addresses/*", [Ip])]),
    stored!("dumpsys_accessibility", "DumpsysAccessibility", Android, [("package_name", [AppId])]),
    stored!("dumpsys_activities", "DumpsysActivities", Android, [("package_name", [AppId])]),
    stored!("dumpsys_adb_state", "DumpsysADBState", Android, []),
    stored!("dumpsys_appops", "DumpsysAppops", Android, [("package_name", [AppId])]),
    stored!("dumpsys_battery_daily", "DumpsysBatteryDaily", Android, [("package_name", [AppId])]),
    stored!("dumpsys_battery_history", "DumpsysBatteryHistory", Android, [
        ("package_name", [AppId])]),
    stored!("dumpsys_get_prop", "DumpsysGetProp", Android, [("name", [AndroidProperty])]),
    stored!("dumpsys_packages", "DumpsysPackages", Android, [("package_name", [AppId])]),
    stored!("dumpsys_platform_compat", "DumpsysPlatformCompat", Android, [
        ("package_name", [AppId])]),
    stored!("dumpsys_receivers", "DumpsysReceivers", Android, [("package_name", [AppId])]),
    stored!("filesystem", "Filesystem", Ios, [("path", [RootedPath])]),
    stored!("firefox_favicon", "FirefoxFavicon", Ios, [("url", [Url]), ("history_url", [Url])]),
    stored!("firefox_history", "FirefoxHistory", Ios, [("url", [Url])]),
    stored!("global_preferences", "GlobalPreferences", Ios, []),
    stored!("id_status_cache", "IDStatusCache", Ios, [("user", [EmailLike])]),
    stored!("interaction_c", "InteractionC", Ios, [
        ("bundle_id", [AppId]), ("target_bundle_id", [AppId]),
        ("interaction_content_url", [UrlLike]), ("attachment_content_url", [UrlLike]),
        ("content", [Text]), ("sender_identifier", [EmailLike]),
        ("recipient_identifier", [EmailLike])]),
    stored!("ios_version_history", "IOSVersionHistory", Ios, []),
    stored!("locationd_clients", "LocationdClients", Ios, [
        ("package", [Process, PathComponents]), ("BundleId", [Process, AppId]),
        ("BundlePath", [FilePath, PathComponents]), ("Executable", [FilePath, PathComponents]),
        ("Registered", [FilePath, PathComponents])]),
    stored!("manifest", "Manifest", Ios, [("relative_path", [BackupPath])]),
    stored!("mounts", "Mounts", Android, [("mount_point", [FilePath]), ("device", [FilePath])]),
    stored!("netusage", "Netusage", Ios, [("proc_name", [Process]), ("bundle_id", [AppId])]),
    stored!("os_analytics_ad_daily", "OSAnalyticsADDaily", Ios, [("package", [Process])]),
    stored!("processes", "Processes", Android, [("command", [Command])]),
    stored!("profile_events", "ProfileEvents", Ios, [
        ("process", [Process]), ("profile_id", [ProfileId])]),
    stored!("root_binaries", "RootBinaries", Android, [("path", [FilePath])]),
    stored!("safari_browser_state", "SafariBrowserState", Ios, [
        ("tab_url", [Url]), ("tab_visible_url", [Url]), ("session_data/*/entry_url", [Url]),
        ("session_data/*/entry_original_url", [Url])]),
    stored!("safari_favicon", "SafariFavicon", Ios, [("url", [Url]), ("icon_url", [Url])]),
    stored!("safari_history", "SafariHistory", Ios, [("url", [Url])]),
    stored!("security_event", "SecurityEvent", Android, [
        ("package_name", [AppId]), ("app_process_start/process", [ColonParts]),
        ("package_installed/package_name", [AppId]), ("package_updated/package_name", [AppId]),
        ("package_uninstalled/package_name", [AppId]), ("adb_shell_cmd/command", [AppId, Text]),
        ("adb_sync_recv_file/path", [FilePath]), ("adb_sync_send_file/path", [FilePath])]),
    stored!("settings", "Settings", Android, []),
    stored!("shortcuts", "Shortcuts", Ios, [("action_urls/*", [Url])]),
    stored!("shutdown_log", "ShutdownLog", Ios, [("client", [Process, FilePath, PathComponents])]),
    stored!("sms", "SMS", Ios, [("text", [Text]), ("body", [Text]), ("links/*", [Url])]),
    stored!("sms_attachments", "SMSAttachments", Ios, [
        ("filename", [FilePath]), ("transfer_name", [FileName])]),
    stored!("sysdiagnose_crash_reports", "SysdiagnoseCrashReports", Ios, [
        ("app_name", [Process]), ("proc_name", [Process]), ("parent_proc", [Process]),
        ("bundle_id", [AppId]), ("coalition", [AppId]),
        ("proc_path", [Process, FilePath, PathComponents]), ("processes/*", [Process]),
        ("images/*", [FilePath, PathComponents])]),
    stored!("sysdiagnose_info", "SysdiagnoseInfo", Ios, []),
    stored!("sysdiagnose_installed_apps", "SysdiagnoseInstalledApps", Ios, [
        ("bundle_id", [AppId, Process]), ("requested_by", [Process]), ("bundle_path", [FilePath]),
        ("source_path", [FilePath])]),
    stored!("sysdiagnose_ps", "SysdiagnosePs", Ios, [
        ("path", [Process, FilePath, PathComponents]), ("process_name", [Process])]),
    stored!("sysdiagnose_shutdown_log", "SysdiagnoseShutdownLog", Ios, [
        ("client", [Process, FilePath, PathComponents])]),
    stored!("sysdiagnose_taskinfo", "SysdiagnoseTaskinfo", Ios, [("name", [Process])]),
    stored!("tcc", "TCC", Ios, [("client", [Process, AppId, FilePath])]),
    stored!("tombstones", "Tombstones", Android, [
        ("process_name", [Process]), ("command_line/0", [Process])]),
    stored!("webkit_indexeddb", "WebkitIndexedDB", Ios, [("url", [Url])]),
    stored!("webkit_local_storage", "WebkitLocalStorage", Ios, [("url", [Url])]),
    stored!("webkit_origins", "WebkitOrigins", Ios, [("url", [Url]), ("top_url", [Url])]),
    stored!("webkit_resource_load_statistics", "WebkitResourceLoadStatistics", Ios, [
        ("registrable_domain", [Domain])]),
    stored!("webkit_safari_view_service", "WebkitSafariViewService", Ios, [("url", [Url])]),
    stored!("webkit_session_resource_log", "WebkitSessionResourceLog", Ios, [
        ("origin", [Domain]), ("redirect_source/*", [Domain]),
        ("redirect_source/*/origin", [Domain]), ("redirect_source/*/domain", [Domain]),
        ("redirect_destination/*", [Domain]), ("redirect_destination/*/origin", [Domain]),
        ("redirect_destination/*/domain", [Domain]), ("subframe_under_origin/*", [Domain]),
        ("subframe_under_origin/*/origin", [Domain]), ("subframe_under_origin/*/domain", [Domain]),
        ("subresource_under_origin/*", [Domain]), ("subresource_under_origin/*/origin", [Domain]),
        ("subresource_under_origin/*/domain", [Domain])]),
    stored!("whatsapp", "Whatsapp", Ios, [("ZTEXT", [Text]), ("links/*", [Url])]),
    stored!("whatsapp_contacts", "WhatsappContacts", Ios, []),
];
