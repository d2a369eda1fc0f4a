//! `dumpsys accessibility` (the `DUMP OF SERVICE accessibility:` section; Android 5+, the
//! one-line `Enabled services:{{…}}` form since Android 14): the accessibility services per user
//! and whether each is installed, enabled, binding, bound or crashed. An accessibility service
//! can read and drive the whole screen, which is why stalkerware and spyware ask for one.
//!
//! A state section the dump never printed leaves that flag `null` (not stated), not `false`.
//! When the user's `installedServiceCount=N` is more than the services the dump names, a record
//! without a component carries the count, so "none listed" never reads as "none installed".
//!
//! Heuristics (MVT's): each named service is MEDIUM, or LOW when the dump says it is not
//! enabled and not bound; a stated count without names is LOW.

use super::Parsed;
use regex::Regex;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::sync::LazyLock;
use tracehound_core::{Alert, Level, Observable, Record};

/// One accessibility service, or (without `component`) a user's count of unnamed ones.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AccessibilityService {
    /// Android user.
    pub user_id: Option<i64>,
    /// `package/service`.
    pub component: Option<String>,
    /// The package.
    pub package_name: Option<String>,
    /// The service class.
    pub service_name: Option<String>,
    /// Listed as installed (`null`: the dump has no installed list for this user).
    pub installed: Option<bool>,
    /// Listed as enabled.
    pub enabled: Option<bool>,
    /// Listed as binding.
    pub binding: Option<bool>,
    /// Listed as bound.
    pub bound: Option<bool>,
    /// Listed as crashed.
    pub crashed: Option<bool>,
    /// Marked `(A11yTool)`.
    pub accessibility_tool: Option<bool>,
    /// The user's `installedServiceCount`.
    pub installed_service_count: Option<i64>,
    /// How many of those the dump does not name (count-only records).
    pub unnamed_service_count: Option<i64>,
}

impl Record for AccessibilityService {
    fn observables<'a>(&'a self, out: &mut Vec<Observable<'a>>) {
        if let Some(p) = &self.package_name {
            out.push(Observable::AppId(p));
        }
    }
}

static USER: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"attributes:\{id=(\d+)").ok());
static COUNT: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"installedServiceCount=(\d+)").ok());
static STATE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)^(installed|enabled|binding|bound|crashed) services\s*:\s*\{(.*)").ok()
});
static INLINE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\{?([\w.$-]+/[\w.$-]+)(?:\s+\(A11yTool\))?\}?").ok());
static COMPONENT: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?:\d+\s*:\s*)?([\w.$-]+/[\w.$-]+)(?:\s+\(A11yTool\))?").ok());

const STATES: [&str; 5] = ["installed", "enabled", "binding", "bound", "crashed"];

fn flag<'s>(s: &'s mut AccessibilityService, state: &str) -> &'s mut Option<bool> {
    match state {
        "installed" => &mut s.installed,
        "enabled" => &mut s.enabled,
        "binding" => &mut s.binding,
        "bound" => &mut s.bound,
        _ => &mut s.crashed,
    }
}

fn new_service(component: &str, user_id: Option<i64>) -> AccessibilityService {
    let (pkg, svc) = component.split_once('/').unwrap_or((component, ""));
    AccessibilityService {
        user_id,
        component: Some(component.to_string()),
        package_name: Some(pkg.to_string()),
        service_name: Some(svc.to_string()),
        installed: Some(false),
        enabled: Some(false),
        binding: Some(false),
        bound: Some(false),
        crashed: Some(false),
        accessibility_tool: Some(false),
        installed_service_count: None,
        unnamed_service_count: None,
    }
}

/// Parses the accessibility section.
pub fn parse_accessibility(text: &str) -> Parsed<AccessibilityService> {
    let mut out = Parsed::default();
    let mut services: Vec<AccessibilityService> = Vec::new();
    let mut index: HashMap<(Option<i64>, String), usize> = HashMap::new();
    let mut seen: HashMap<Option<i64>, BTreeSet<&'static str>> = HashMap::new();
    let mut counts: Vec<(Option<i64>, i64)> = Vec::new();
    let mut user: Option<i64> = None;
    let mut state: Option<&'static str> = None;
    let cap = |re: &LazyLock<Option<Regex>>, t: &str| -> Option<String> {
        re.as_ref()?
            .captures(t)?
            .get(1)
            .map(|m| m.as_str().to_string())
    };
    let mut mark = |user: Option<i64>, component: &str, state: &str, tool: bool| {
        let i = *index
            .entry((user, component.to_string()))
            .or_insert_with(|| {
                services.push(new_service(component, user));
                services.len() - 1
            });
        if let Some(s) = services.get_mut(i) {
            *flag(s, state) = Some(true);
            s.accessibility_tool = Some(tool);
        }
    };
    for line in super::lines(text) {
        if let Some(id) = cap(&USER, line).and_then(|v| v.parse().ok()) {
            user = Some(id);
        }
        if let Some(n) = cap(&COUNT, line).and_then(|v| v.parse::<i64>().ok()) {
            match counts.iter_mut().find(|(u, _)| *u == user) {
                Some(c) => c.1 = n,
                None => counts.push((user, n)),
            }
        }
        let stripped = line.trim();
        if let Some(c) = STATE.as_ref().and_then(|r| r.captures(stripped)) {
            let name = c
                .get(1)
                .map(|m| m.as_str().to_lowercase())
                .unwrap_or_default();
            let Some(st) = STATES.iter().copied().find(|s| *s == name) else {
                continue;
            };
            state = Some(st);
            seen.entry(user).or_default().insert(st);
            let inline = c.get(2).map_or("", |m| m.as_str());
            let tool = inline.contains("(A11yTool)");
            if let Some(re) = INLINE.as_ref() {
                for comp in re.captures_iter(inline).filter_map(|m| m.get(1)) {
                    mark(user, comp.as_str(), st, tool);
                }
            }
            continue;
        }
        let Some(st) = state else { continue };
        if stripped == "}" || stripped.starts_with("AccessibilityInputFilter") {
            state = None;
            continue;
        }
        if let Some(comp) = cap(&COMPONENT, stripped) {
            mark(user, &comp, st, stripped.contains("(A11yTool)"));
        }
    }
    let mut named: HashMap<Option<i64>, i64> = HashMap::new();
    for s in &mut services {
        let printed = seen.get(&s.user_id).cloned().unwrap_or_default();
        for st in STATES {
            if !printed.contains(st) {
                *flag(s, st) = None;
            }
        }
        s.installed_service_count = counts.iter().find(|c| c.0 == s.user_id).map(|c| c.1);
        *named.entry(s.user_id).or_insert(0) += 1;
    }
    out.records = services;
    for (u, count) in counts {
        let unnamed = count - named.get(&u).copied().unwrap_or(0);
        if unnamed > 0 {
            out.records.push(AccessibilityService {
                user_id: u,
                installed_service_count: Some(count),
                unnamed_service_count: Some(unnamed),
                ..Default::default()
            });
        }
    }
    out
}

fn describe(s: &AccessibilityService) -> &'static str {
    if s.bound == Some(true) {
        "enabled and bound"
    } else if s.enabled == Some(true) {
        "enabled"
    } else if s.enabled.is_none() {
        "installed, enabled state not stated"
    } else {
        "installed, not enabled"
    }
}

/// MVT's heuristics (see the module documentation).
pub fn check_accessibility(records: &[AccessibilityService]) -> Vec<Alert> {
    let mut alerts = Vec::new();
    for (i, r) in records.iter().enumerate() {
        let Some(component) = &r.component else {
            let stated = r.installed_service_count.unwrap_or(0);
            let unnamed = r.unnamed_service_count.unwrap_or(0);
            let detail = if unnamed == stated {
                "does not list their component names".to_string()
            } else {
                format!(
                    "lists the component names of only {} of them ({unnamed} unnamed)",
                    stated - unnamed
                )
            };
            let user = r.user_id.map_or("None".to_string(), |u| u.to_string());
            alerts.push(Alert::heuristic(
                Level::Low,
                i,
                format!(
                    "The accessibility dump states {stated} installed service(s) for user \
                     {user} but {detail}"
                ),
            ));
            continue;
        };
        let message = format!(
            "Found accessibility service: \"{component}\" ({})",
            describe(r)
        );
        let level = if r.enabled == Some(false) && r.bound != Some(true) {
            Level::Low
        } else {
            Level::Medium
        };
        alerts.push(Alert::heuristic(level, i, message));
    }
    alerts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_and_inline_forms() {
        let text = "User state[attributes:{id=0, installedServiceCount=3}\n\
            \x20 installed services: {\n    0 : com.a/.S (A11yTool)\n    1 : com.b/com.b.T\n  }\n\
            \x20 Enabled services:{{com.b/com.b.T}}\n";
        let p = parse_accessibility(text);
        assert_eq!(p.records.len(), 3);
        let a = &p.records[0];
        assert_eq!(
            (a.installed, a.enabled, a.bound, a.accessibility_tool),
            (Some(true), Some(false), None, Some(true))
        );
        assert_eq!(p.records[1].enabled, Some(true));
        assert_eq!(p.records[2].unnamed_service_count, Some(1));
        let alerts = check_accessibility(&p.records);
        let levels: Vec<_> = alerts.iter().map(|a| a.level).collect();
        assert_eq!(levels, [Level::Low, Level::Medium, Level::Low]);
    }
}
