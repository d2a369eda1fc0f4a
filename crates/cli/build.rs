//! Build information for `tracehound --version`: the git commit (when the source is a git
//! checkout and git is installed; `TRACEHOUND_BUILD_COMMIT` overrides it for packagers), the
//! target triple and the profile. Never fails: without git the commit is `unknown`.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!s.is_empty()).then_some(s)
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=TRACEHOUND_BUILD_COMMIT");
    let commit = std::env::var("TRACEHOUND_BUILD_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())
        .or_else(|| {
            // Rebuild when HEAD moves: its reflog changes with each commit and checkout.
            for p in ["HEAD", "logs/HEAD"] {
                if let Some(path) = git(&["rev-parse", "--git-path", p]) {
                    if std::path::Path::new(&path).exists() {
                        println!("cargo:rerun-if-changed={path}");
                    }
                }
            }
            git(&["rev-parse", "--short=12", "HEAD"])
        })
        .unwrap_or_else(|| "unknown".into());
    let target = std::env::var("TARGET").unwrap_or_else(|_| "unknown".into());
    let profile = std::env::var("PROFILE").unwrap_or_else(|_| "unknown".into());
    println!("cargo:rustc-env=TRACEHOUND_GIT_COMMIT={commit}");
    println!("cargo:rustc-env=TRACEHOUND_TARGET={target}");
    println!("cargo:rustc-env=TRACEHOUND_PROFILE={profile}");
}
