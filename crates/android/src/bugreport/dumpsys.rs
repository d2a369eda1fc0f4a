//! The bugreport modules that read one `dumpsys` section of the dumpstate each (MVT's
//! `Dumpsys*` modules, same slugs and record fields). The parsing is in [`crate::parsers`].

use super::{output, section, KINDS};
use crate::parsers::accessibility::{check_accessibility, parse_accessibility};
use crate::parsers::appops::{check_appops, parse_appops};
use crate::parsers::battery_daily::parse_battery_daily;
use crate::parsers::battery_history::parse_battery_history;
use crate::parsers::dbinfo::parse_dbinfo;
use crate::parsers::dumpstate::Heading;
use crate::parsers::dumpsys_package::{check_dumpsys_packages, parse_dumpsys_packages};
use crate::parsers::getprop::{check_security_patch, parse_getprop};
use crate::parsers::platform_compat::parse_platform_compat;
use crate::parsers::resolvers::parse_resolver_table;
use crate::AndroidSource;
use tracehound_core::module::ModuleContext;
use tracehound_core::{Module, ModuleError, ModuleMeta, ModuleOutput, Platform, Timestamp};

macro_rules! section_module {
    (
        $(#[$doc:meta])*
        $ty:ident, $slug:literal, $name:literal, $desc:literal, $heading:expr,
        |$text:ident| $parse:expr
    ) => {
        $(#[$doc])*
        pub struct $ty;

        impl Module<dyn AndroidSource> for $ty {
            fn meta(&self) -> &'static ModuleMeta {
                static META: ModuleMeta = ModuleMeta {
                    slug: $slug,
                    name: $name,
                    description: $desc,
                    platform: Platform::Android,
                    kinds: KINDS,
                    artifacts: &["bugreport: dumpstate"],
                    dependencies: &[],
                };
                &META
            }

            fn run(
                &self,
                ev: &dyn AndroidSource,
                _ctx: &ModuleContext<'_>,
            ) -> Result<ModuleOutput, ModuleError> {
                let found = section(ev, $heading)?;
                let text = found.section.text();
                let $text: &str = &text;
                let (parsed, alerts) = $parse;
                Ok(output(&found, parsed, alerts))
            }
        }
    };
}

section_module!(
    /// Accessibility services: each one named is worth a look.
    DumpsysAccessibility,
    "dumpsys_accessibility",
    "DumpsysAccessibility",
    "Accessibility services, installed and enabled (dumpsys accessibility)",
    Heading::Service("DUMP OF SERVICE accessibility:"),
    |text| {
        let p = parse_accessibility(text);
        let a = check_accessibility(&p.records);
        (p, a)
    }
);

section_module!(
    /// Components registered for intents, from the activity resolver table.
    DumpsysActivities,
    "dumpsys_activities",
    "DumpsysActivities",
    "Package activities from the activity resolver table (dumpsys package)",
    Heading::Service("DUMP OF SERVICE package:"),
    |text| (parse_resolver_table(text, "Activity"), Vec::new())
);

section_module!(
    /// App operations; REQUEST_INSTALL_PACKAGES and the shell's operations are MEDIUM.
    DumpsysAppops,
    "dumpsys_appops",
    "DumpsysAppops",
    "App operations with their recent accesses (dumpsys appops)",
    Heading::Service("DUMP OF SERVICE appops:"),
    |text| {
        let p = parse_appops(text);
        let a = check_appops(&p.records);
        (p, a)
    }
);

section_module!(
    /// Package changes in the daily battery stats; uninstalls and downgrades are MEDIUM.
    DumpsysBatteryDaily,
    "dumpsys_battery_daily",
    "DumpsysBatteryDaily",
    "Package updates, downgrades and uninstalls by day (dumpsys batterystats)",
    Heading::Service("DUMP OF SERVICE batterystats:"),
    |text| parse_battery_daily(text)
);

section_module!(
    /// Jobs, foreground apps and wake locks from the battery history.
    DumpsysBatteryHistory,
    "dumpsys_battery_history",
    "DumpsysBatteryHistory",
    "Jobs, foreground apps and wake locks in the battery history (dumpsys batterystats)",
    Heading::Service("DUMP OF SERVICE batterystats:"),
    |text| (parse_battery_history(text), Vec::new())
);

section_module!(
    /// Recent SQL operations per app database.
    DumpsysDbInfo,
    "dbinfo",
    "DumpsysDBInfo",
    "Recent database operations per app (dumpsys dbinfo)",
    Heading::Service("DUMP OF SERVICE dbinfo:"),
    |text| (parse_dbinfo(text), Vec::new())
);

section_module!(
    /// System properties; a security patch over six months old is MEDIUM.
    DumpsysGetProp,
    "dumpsys_get_prop",
    "DumpsysGetProp",
    "System properties (the bugreport's SYSTEM PROPERTIES section)",
    Heading::Command("------ SYSTEM PROPERTIES"),
    |text| {
        let p = parse_getprop(text);
        let a = check_security_patch(&p.records, Timestamp::now());
        (p, a)
    }
);

section_module!(
    /// Installed packages with versions, install times and permissions.
    DumpsysPackages,
    "dumpsys_packages",
    "DumpsysPackages",
    "Installed packages with install times and permissions (dumpsys package)",
    Heading::Service("DUMP OF SERVICE package:"),
    |text| {
        let p = parse_dumpsys_packages(text);
        let a = check_dumpsys_packages(&p.records);
        (p, a)
    }
);

section_module!(
    /// Per-package compatibility overrides (packages present when they were set).
    DumpsysPlatformCompat,
    "dumpsys_platform_compat",
    "DumpsysPlatformCompat",
    "Per-package compatibility overrides (dumpsys platform_compat)",
    Heading::Service("DUMP OF SERVICE platform_compat:"),
    |text| (parse_platform_compat(text), Vec::new())
);

section_module!(
    /// Broadcast receivers; those for SMS and call events are marked in `watched`.
    DumpsysReceivers,
    "dumpsys_receivers",
    "DumpsysReceivers",
    "Broadcast receivers, among them those for SMS and call events (dumpsys package)",
    Heading::Service("DUMP OF SERVICE package:"),
    |text| (parse_resolver_table(text, "Receiver"), Vec::new())
);
