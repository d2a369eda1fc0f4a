//! `packages.json`: androidqf's list of installed packages (all versions since 2022), each an
//! object with `name`, `installer`, `uid`, `disabled`, `system`, `third_party` and `files`
//! (APK path, `md5`/`sha1`/`sha256`/`sha512`, and the signing `certificate` with `Md5`, `Sha1`,
//! `Sha256`). Objects are written out exactly as androidqf wrote them, unknown keys and
//! 160-bit certificate serial numbers included.
//!
//! Heuristics (installer facts are what PackageManager recorded at install time):
//! - a root or root-hiding app is MEDIUM;
//! - installed from a third-party store is INFORMATIONAL, by the system package installer
//!   (a browser download or a file manager) MEDIUM, with no installer at all and not a system
//!   app (adb or another sideloading method) MEDIUM;
//! - a security-agent or system-update package that is disabled is MEDIUM.

use super::json::RawItem;
use super::Parsed;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};
use tracehound_core::{Alert, Level, Observable, Record};

/// One installed package, as androidqf wrote it.
#[derive(Debug, Clone)]
pub struct AqfPackage {
    /// The object as written.
    pub raw: RawItem,
    /// The object parsed.
    pub fields: Map<String, Value>,
}

impl Serialize for AqfPackage {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.raw.serialize(s)
    }
}

impl AqfPackage {
    fn str(&self, key: &str) -> Option<&str> {
        self.fields.get(key).and_then(Value::as_str)
    }
    /// The package name.
    pub fn name(&self) -> &str {
        self.str("name").unwrap_or_default()
    }
    /// The installer, `None` when androidqf recorded none (`"null"`, empty or absent).
    pub fn installer(&self) -> Option<&str> {
        self.str("installer")
            .filter(|i| !i.is_empty() && *i != "null")
    }
    fn flag(&self, key: &str) -> Option<bool> {
        self.fields.get(key).and_then(Value::as_bool)
    }
    fn files(&self) -> impl Iterator<Item = &Map<String, Value>> {
        self.fields
            .get("files")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
    }
}

impl Record for AqfPackage {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        out.push(Observable::AppId(self.name()));
        for f in self.files() {
            for k in ["sha256", "sha1", "md5"] {
                if let Some(h) = f.get(k).and_then(Value::as_str).filter(|h| !h.is_empty()) {
                    out.push(Observable::FileHash(h));
                }
            }
            let cert = f.get("certificate").and_then(Value::as_object);
            for k in ["Md5", "Sha1", "Sha256"] {
                let h = cert.and_then(|c| c.get(k)).and_then(Value::as_str);
                if let Some(h) = h.filter(|h| !h.is_empty()) {
                    out.push(Observable::AppCertHash(h));
                }
            }
        }
    }
}

/// Keeps the items that are objects with a string `name`; counts the others.
pub fn parse_packages(items: Vec<RawItem>) -> Parsed<AqfPackage> {
    let mut out = Parsed::default();
    for (i, raw) in items.into_iter().enumerate() {
        match super::json::value(&raw) {
            Value::Object(fields) if fields.get("name").is_some_and(Value::is_string) => {
                out.records.push(AqfPackage { raw, fields })
            }
            _ => out.fail(|| format!("item {i}: not a package object with a name")),
        }
    }
    out
}

/// Root managers, su front-ends and root-hiding tools.
pub const ROOT_PACKAGES: &[&str] = &[
    "com.topjohnwu.magisk",
    "io.github.huskydg.magisk",
    "io.github.vvb2060.magisk",
    "me.weishu.kernelsu",
    "me.bmax.apatch",
    "eu.chainfire.supersu",
    "eu.chainfire.supersu.pro",
    "com.noshufou.android.su",
    "com.noshufou.android.su.elite",
    "com.koushikdutta.superuser",
    "com.koushikdutta.rommanager",
    "com.koushikdutta.rommanager.license",
    "com.thirdparty.superuser",
    "com.yellowes.su",
    "me.phh.superuser",
    "com.kingouser.com",
    "com.kingroot.kinguser",
    "com.dimonvideo.luckypatcher",
    "com.chelpus.lackypatch",
    "com.ramdroid.appquarantine",
    "com.ramdroid.appquarantinepro",
    "com.devadvance.rootcloak",
    "com.devadvance.rootcloakplus",
    "de.robv.android.xposed.installer",
    "org.lsposed.manager",
    "com.saurik.substrate",
    "com.zachspong.temprootremovejb",
    "com.amphoras.hidemyroot",
    "com.amphoras.hidemyrootadfree",
    "com.formyhm.hideroot",
    "com.formyhm.hiderootPremium",
];

/// Installers of app stores other than the phone maker's and Google's.
pub const THIRD_PARTY_STORES: &[&str] = &["org.fdroid.fdroid", "com.aurora.store"];

/// The system package installer: what installs an APK opened from a browser or file manager.
pub const PACKAGE_INSTALLERS: &[&str] = &[
    "com.android.packageinstaller",
    "com.google.android.packageinstaller",
];

/// Phone makers' security agents.
pub const SECURITY_PACKAGES: &[&str] = &[
    "com.policydm",
    "com.samsung.android.app.omcagent",
    "com.samsung.android.securitylogagent",
    "com.sec.android.soagent",
];

/// System (over-the-air) update clients.
pub const SYSTEM_UPDATE_PACKAGES: &[&str] = &[
    "com.android.updater",
    "com.google.android.gms",
    "com.huawei.android.hwouc",
    "com.lge.lgdmsclient",
    "com.motorola.ccc.ota",
    "com.oneplus.opbackup",
    "com.oppo.ota",
    "com.transsion.systemupdate",
    "com.wssyncmldm",
];

/// The heuristic alerts for installed packages.
pub fn check_packages(packages: &[AqfPackage]) -> Vec<Alert> {
    let mut alerts = Vec::new();
    for (i, p) in packages.iter().enumerate() {
        let name = p.name();
        if ROOT_PACKAGES.contains(&name) {
            alerts.push(Alert::heuristic(
                Level::Medium,
                i,
                format!("Rooting or root-hiding app installed: \"{name}\""),
            ));
            continue;
        }
        match p.installer() {
            Some(inst) if THIRD_PARTY_STORES.contains(&inst) => alerts.push(Alert::heuristic(
                Level::Informational,
                i,
                format!("\"{name}\" was installed from a third-party store ({inst})"),
            )),
            Some(inst) if PACKAGE_INSTALLERS.contains(&inst) => alerts.push(Alert::heuristic(
                Level::Medium,
                i,
                format!(
                    "\"{name}\" was installed by the package installer ({inst}): downloaded \
                     with a browser or opened from a file"
                ),
            )),
            None if p.flag("system") == Some(false) => alerts.push(Alert::heuristic(
                Level::Medium,
                i,
                format!("\"{name}\" is not a system app and has no installer: sideloaded over adb or by another method"),
            )),
            _ => {}
        }
        if p.flag("disabled") == Some(true) {
            if SECURITY_PACKAGES.contains(&name) {
                alerts.push(Alert::heuristic(
                    Level::Medium,
                    i,
                    format!("Security package \"{name}\" is disabled"),
                ));
            }
            if SYSTEM_UPDATE_PACKAGES.contains(&name) {
                alerts.push(Alert::heuristic(
                    Level::Medium,
                    i,
                    format!("System update package \"{name}\" is disabled"),
                ));
            }
        }
    }
    alerts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parsers::json::array_items;

    #[test]
    fn keeps_objects_with_names() {
        let items = array_items(
            r#"[{"name": "a", "installer": "null", "system": false, "extra": 1},
            {"installer": "x"}, "b",
            {"name": "com.wssyncmldm", "installer": "com.android.vending", "disabled": true}]"#,
        );
        let p = parse_packages(items.records);
        assert_eq!((p.records.len(), p.failed), (2, 2));
        let a = check_packages(&p.records);
        assert_eq!(a.len(), 2);
        assert_eq!(serde_json::to_value(&p.records[0]).unwrap()["extra"], 1);
    }
}
