//! Sysdiagnose archives: the root found at the top or one folder down (folder, .tar.gz, .zip),
//! paths relative to it, `find` with glob patterns, reads recorded; hostile input (traversal,
//! links, truncation, not a sysdiagnose, several in one) gives warnings or errors, never panics.

use flate2::write::GzEncoder;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use tracehound_evidence::sysdiagnose::looks_like_sysdiagnose;
use tracehound_evidence::{Artifact, EvidenceError, IosSource, IosSysdiagnose};

const NAME: &str = "sysdiagnose_2023.05.24_13-29-15-0700_iPhone-OS_iPhone_20F66";

/// A `.tar.gz` with `entries` (name, data); `None` data makes a symlink to `/etc/passwd`.
fn tar_gz(entries: &[(&str, Option<&[u8]>)]) -> Vec<u8> {
    let mut b = tar::Builder::new(GzEncoder::new(Vec::new(), flate2::Compression::fast()));
    for (name, data) in entries {
        let mut h = tar::Header::new_gnu();
        match data {
            Some(d) => {
                h.set_size(d.len() as u64);
                h.set_mode(0o644);
                // Raw names: the builder's own checks would refuse `..`.
                let bytes = name.as_bytes();
                h.as_old_mut().name[..bytes.len()].copy_from_slice(bytes);
                h.set_cksum();
                b.append(&h, *d).unwrap();
            }
            None => {
                h.set_entry_type(tar::EntryType::Symlink);
                h.set_size(0);
                b.append_link(&mut h, name, "/etc/passwd").unwrap();
            }
        }
    }
    b.into_inner().unwrap().finish().unwrap()
}

fn write(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, data).unwrap();
    p
}

const IPS: Artifact = Artifact {
    backup: &[],
    fs: &["**/*.ips"],
};

#[test]
fn tar_gz_with_hostile_entries() {
    let ps = format!("{NAME}/ps.txt");
    let ips = format!("{NAME}/crashes_and_spins/a.ips");
    let deep = format!("{NAME}/crashes_and_spins/Retired/b.ips");
    let link = format!("{NAME}/crashes_and_spins/link.ips");
    let bytes = tar_gz(&[
        (&ps, Some(b"USER PID COMMAND\n")),
        (&ips, Some(b"{}\n")),
        (&deep, Some(b"{}\n")),
        ("../escape.ips", Some(b"x")),
        (&link, None),
    ]);
    let tmp = tempfile::tempdir().unwrap();
    let path = write(tmp.path(), &format!("{NAME}.tar.gz"), &bytes);
    assert!(looks_like_sysdiagnose(&path));
    let s = IosSysdiagnose::open(&path).unwrap();
    assert_eq!(s.root(), format!("{NAME}/"));
    assert_eq!(s.name(), NAME);
    let w = s.warnings().join("\n");
    assert!(w.contains("../escape.ips") && w.contains("refused"), "{w}");
    assert!(w.contains("link entry"), "{w}");
    let found = s.find(&IPS).unwrap();
    let rel: Vec<&str> = found.iter().map(|f| f.relative_path.as_str()).collect();
    assert_eq!(
        rel,
        ["crashes_and_spins/Retired/b.ips", "crashes_and_spins/a.ips"]
    );
    assert_eq!(s.read(&found[1]).unwrap(), b"{}\n");
    assert_eq!(s.inputs().len(), 1);
    assert_eq!(s.inputs()[0].path, ips);
    assert_eq!(
        s.sha256(&ips).unwrap(),
        "ca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356"
    );
    // A file of another sysdiagnose, or outside the root, is refused.
    let mut other = found[0].clone();
    other.path = "../escape.ips".into();
    assert!(matches!(s.read(&other), Err(EvidenceError::Refused { .. })));
    let mut listed = 0;
    s.list_matching("crashes_and_spins/*", &mut |_| listed += 1)
        .unwrap();
    assert_eq!(listed, 1, "a.ips (Retired/ is implied, b.ips is deeper)");
}

#[test]
fn folder_zip_and_top_level_layouts() {
    let tmp = tempfile::tempdir().unwrap();
    // A folder holding the unpacked sysdiagnose folder.
    write(
        tmp.path(),
        &format!("dir/{NAME}/taskinfo.txt"),
        b"num tasks: 0\n",
    );
    let dir = tmp.path().join("dir");
    assert!(looks_like_sysdiagnose(&dir));
    assert_eq!(
        IosSysdiagnose::open(&dir).unwrap().root(),
        format!("{NAME}/")
    );
    // A sysdiagnose_* folder recognised by its folders alone.
    write(tmp.path(), &format!("dir2/{NAME}/logs/x.log"), b"x");
    assert!(looks_like_sysdiagnose(&tmp.path().join("dir2")));
    // A zip with the files at its top.
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    w.start_file("ps.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    w.write_all(b"USER PID COMMAND\n").unwrap();
    let zip = write(tmp.path(), "x.zip", &w.finish().unwrap().into_inner());
    assert!(looks_like_sysdiagnose(&zip));
    let s = IosSysdiagnose::open(&zip).unwrap();
    assert_eq!((s.root(), s.name().as_str()), ("", "x.zip"));
}

#[test]
fn not_one_sysdiagnose() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "a/notes.txt", b"x");
    let err = IosSysdiagnose::open(&tmp.path().join("a")).err().unwrap();
    assert!(err.to_string().contains("not an iOS sysdiagnose"), "{err}");
    assert!(!looks_like_sysdiagnose(&tmp.path().join("a")));
    write(tmp.path(), "b/one/ps.txt", b"x");
    write(tmp.path(), "b/two/ps.txt", b"x");
    let err = IosSysdiagnose::open(&tmp.path().join("b")).err().unwrap();
    assert!(err.to_string().contains("several sysdiagnoses"), "{err}");
    // Garbage and a cut-off archive are errors, not panics.
    let junk = write(
        tmp.path(),
        "sysdiagnose_junk.tar.gz",
        b"\x1f\x8b\x08garbage",
    );
    assert!(IosSysdiagnose::open(&junk).is_err());
    let full = tar_gz(&[(&format!("{NAME}/ps.txt"), Some(&[b'x'; 4096][..]))]);
    let cut = write(tmp.path(), "cut.tar.gz", &full[..full.len() / 2]);
    match IosSysdiagnose::open(&cut) {
        Ok(s) => {
            let found = s
                .find(&Artifact {
                    backup: &[],
                    fs: &["ps.txt"],
                })
                .unwrap();
            for f in found {
                let _ = s.read(&f);
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
    assert!(!looks_like_sysdiagnose(&tmp.path().join("missing")));
}

#[test]
fn detected_by_tracehound_check() {
    use tracehound_evidence::detect::{detect, Detected};
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        &format!("sd/{NAME}/ps.txt"),
        b"USER PID COMMAND\n",
    );
    let sd = tmp.path().join("sd");
    assert_eq!(detect(&sd).unwrap(), Detected::IosSysdiagnose(sd.clone()));
    let archive = write(
        tmp.path(),
        &format!("{NAME}.tar.gz"),
        &tar_gz(&[(&format!("{NAME}/logs/x.log"), Some(b"x"))]),
    );
    assert_eq!(
        detect(&archive).unwrap(),
        Detected::IosSysdiagnose(archive.clone())
    );
    // Recognised by content under another name.
    let renamed = write(
        tmp.path(),
        "phone.tgz",
        &tar_gz(&[("x/taskinfo.txt", Some(b"num tasks: 0\n"))]),
    );
    assert_eq!(
        detect(&renamed).unwrap(),
        Detected::IosSysdiagnose(renamed.clone())
    );
    // A results folder: info.json beside module files.
    write(tmp.path(), "results/info.json", b"{}");
    write(tmp.path(), "results/sms.json", b"[]");
    let results = tmp.path().join("results");
    assert_eq!(
        detect(&results).unwrap(),
        Detected::Results(results.clone())
    );
    write(tmp.path(), "lonely/info.json", b"{}");
    assert!(detect(&tmp.path().join("lonely")).is_err());
}
