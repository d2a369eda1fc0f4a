//! The archive/folder tree reader on hostile input: traversal and absolute names, links,
//! zip and gzip bombs, oversized entries, truncated archives, nested archives. Every case ends in
//! a clear error or warning naming the entry; none panics, none writes to disk.

use std::io::{Cursor, Write};
use std::path::Path;
use tracehound_evidence::archive::{Limits, Tree, TreeFormat};
use tracehound_evidence::EvidenceError;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

fn zip_bytes(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, data) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn small_limits() -> Limits {
    Limits {
        max_entry_size: 8 << 20,
        max_total_read: 32 << 20,
        max_ratio: 100,
        ratio_exempt_size: 64 << 10,
        max_entries: 1000,
    }
}

fn write(dir: &Path, name: &str, data: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, data).unwrap();
    p
}

#[test]
fn zip_traversal_absolute_and_links_are_refused() {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default();
    for name in [
        "ok/getprop.txt",
        "../evil.txt",
        "a/../../evil2.txt",
        "/etc/passwd",
        "C:\\win.ini",
    ] {
        w.start_file(name, opts).unwrap();
        w.write_all(b"x").unwrap();
    }
    w.add_symlink("link", "/etc/shadow", opts).unwrap();
    let bytes = w.finish().unwrap().into_inner();
    let tmp = tempfile::tempdir().unwrap();
    let tree = Tree::open(&write(tmp.path(), "a.zip", &bytes), Limits::default()).unwrap();
    assert_eq!(tree.format(), TreeFormat::Zip);
    let paths: Vec<&str> = tree.entries().iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["ok/getprop.txt"]);
    let w = tree.warnings().join("\n");
    assert_eq!(tree.warnings().len(), 5, "{w}");
    for needle in [
        "../evil.txt",
        "evil2.txt",
        "/etc/passwd",
        "win.ini",
        "\"link\": refused: symbolic link",
    ] {
        assert!(w.contains(needle), "{needle} not in {w}");
    }
    assert!(tree.read("../evil.txt").is_err());
    assert_eq!(tree.read("ok/getprop.txt").unwrap(), b"x");
    // Nothing was extracted next to the archive.
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
}

#[test]
fn zip_bomb_is_refused_by_ratio_naming_the_entry() {
    let zeros = vec![0u8; 4 << 20];
    let bytes = zip_bytes(&[("getprop.txt", b"[a]: [b]\n"), ("bomb/dumpsys.txt", &zeros)]);
    let tree = Tree::from_bytes("acq.zip", bytes, small_limits()).unwrap();
    let err = tree.read("bomb/dumpsys.txt").unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, EvidenceError::Refused { .. }), "{msg}");
    assert!(
        msg.contains("bomb/dumpsys.txt") && msg.contains("ratio"),
        "{msg}"
    );
    // The rest of the archive is still readable.
    assert_eq!(tree.read("getprop.txt").unwrap(), b"[a]: [b]\n");
}

#[test]
fn oversized_entry_and_total_budget() {
    let limits = Limits {
        max_entry_size: 1000,
        max_total_read: 1500,
        ..small_limits()
    };
    let big: Vec<u8> = (0..2000u32).map(|i| (i * 7919 % 251) as u8).collect();
    let mid: Vec<u8> = (0..900u32).map(|i| (i * 31 % 253) as u8).collect();
    let bytes = zip_bytes(&[("big.bin", &big), ("a.bin", &mid), ("b.bin", &mid)]);
    let tree = Tree::from_bytes("acq.zip", bytes, limits).unwrap();
    let err = tree.read("big.bin").unwrap_err();
    assert!(
        matches!(
            err,
            EvidenceError::TooLarge {
                size: 2000,
                limit: 1000,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(tree.read("a.bin").unwrap(), mid);
    let err = tree.read("b.bin").unwrap_err();
    assert!(err.to_string().contains("total read"), "{err}");
}

#[test]
fn truncated_zip_is_a_clear_error() {
    let data: Vec<u8> = (0..50_000u32).map(|i| (i % 97) as u8).collect();
    let bytes = zip_bytes(&[("getprop.txt", &data)]);
    for cut in [bytes.len() / 2, bytes.len() - 10, 30] {
        let err = match Tree::from_bytes("cut.zip", bytes[..cut].to_vec(), Limits::default()) {
            Ok(_) => panic!("a zip cut at {cut} opened"),
            Err(e) => e,
        };
        assert!(
            err.to_string()
                .contains("cut.zip: not a readable zip archive"),
            "{err}"
        );
    }
    let err = Tree::from_bytes("junk", b"hello".to_vec(), Limits::default())
        .err()
        .unwrap();
    assert!(
        err.to_string().contains("not a folder, zip or tar"),
        "{err}"
    );
}

#[test]
fn nested_zip_is_read_from_memory() {
    let inner = zip_bytes(&[("FS/data/x.txt", b"inner")]);
    let outer = zip_bytes(&[("acq/bugreport.zip", &inner), ("acq/getprop.txt", b"")]);
    let tmp = tempfile::tempdir().unwrap();
    let tree = Tree::open(&write(tmp.path(), "outer.zip", &outer), Limits::default()).unwrap();
    let nested = tree.open_nested("acq/bugreport.zip").unwrap();
    assert!(nested.name().ends_with("outer.zip!/acq/bugreport.zip"));
    assert_eq!(nested.read("FS/data/x.txt").unwrap(), b"inner");
    assert_eq!(nested.find("FS/**").len(), 1);
}

fn tar_header(name: &[u8], kind: tar::EntryType, size: u64) -> tar::Header {
    let mut h = tar::Header::new_gnu();
    h.as_gnu_mut().unwrap().name[..name.len()].copy_from_slice(name);
    h.set_entry_type(kind);
    h.set_size(size);
    h.set_mode(0o644);
    h.set_mtime(1_600_000_000);
    h.set_cksum();
    h
}

fn tar_bytes() -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    let files: [(&[u8], &[u8]); 3] = [
        (b"apps/com.x/f/a.txt", b"hello"),
        (b"../escape.txt", b"no"),
        (b"/abs.txt", b"no"),
    ];
    for (name, data) in files {
        let h = tar_header(name, tar::EntryType::Regular, data.len() as u64);
        b.append(&h, data).unwrap();
    }
    let mut link = tar_header(b"apps/link", tar::EntryType::Symlink, 0);
    link.set_link_name("/etc/passwd").unwrap();
    link.set_cksum();
    b.append(&link, &[][..]).unwrap();
    b.into_inner().unwrap()
}

#[test]
fn tar_and_tar_gz_refuse_traversal_and_links() {
    let plain = tar_bytes();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&plain).unwrap();
    let gz = gz.finish().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    for (name, bytes, format) in [
        ("a.tar", &plain, TreeFormat::Tar),
        ("a.tar.gz", &gz, TreeFormat::TarGz),
    ] {
        for tree in [
            Tree::open(&write(tmp.path(), name, bytes), Limits::default()).unwrap(),
            Tree::from_bytes(name, bytes.clone(), Limits::default()).unwrap(),
        ] {
            assert_eq!(tree.format(), format);
            let paths: Vec<&str> = tree.entries().iter().map(|e| e.path.as_str()).collect();
            assert_eq!(paths, ["apps/com.x/f/a.txt"], "{name}");
            assert_eq!(tree.warnings().len(), 3, "{:?}", tree.warnings());
            assert_eq!(tree.read("apps/com.x/f/a.txt").unwrap(), b"hello");
            let e = &tree.entries()[0];
            assert_eq!(
                e.modified.unwrap().to_mvt_string(),
                "2020-09-13 12:26:40.000000"
            );
        }
    }
}

#[test]
fn gzip_bomb_stops_at_the_ratio() {
    // A tar of one 8 MiB file of zeros, gzip-compressed: ~1,000:1.
    let mut b = tar::Builder::new(Vec::new());
    let h = tar_header(b"zeros", tar::EntryType::Regular, 8 << 20);
    b.append(&h, &vec![0u8; 8 << 20][..]).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&b.into_inner().unwrap()).unwrap();
    let bytes = gz.finish().unwrap();
    match Tree::from_bytes("bomb.tar.gz", bytes, small_limits()) {
        Err(e) => assert!(e.to_string().contains("bomb.tar.gz"), "{e}"),
        Ok(tree) => {
            let err = tree.read("zeros").unwrap_err().to_string();
            assert!(err.contains("compression-ratio"), "{err}");
        }
    }
}

#[test]
fn truncated_tar_keeps_what_came_before() {
    let plain = tar_bytes();
    let tree = Tree::from_bytes("cut.tar", plain[..700].to_vec(), Limits::default()).unwrap();
    assert_eq!(tree.entries().len(), 1);
    let tree = Tree::from_bytes("cut.tar", plain[..514].to_vec(), Limits::default()).unwrap();
    assert_eq!(tree.entries().len(), 1);
    let err = tree.read("apps/com.x/f/a.txt").unwrap_err();
    assert!(err.to_string().contains("truncated"), "{err}");
}

#[cfg(unix)]
#[test]
fn folder_links_are_never_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let outside = tmp.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("secret.txt"), b"secret").unwrap();
    let acq = tmp.path().join("acq");
    std::fs::create_dir_all(acq.join("logs")).unwrap();
    std::fs::write(acq.join("getprop.txt"), b"[a]: [b]\n").unwrap();
    std::os::unix::fs::symlink(&outside, acq.join("logs/escape")).unwrap();
    std::os::unix::fs::symlink(outside.join("secret.txt"), acq.join("ps.txt")).unwrap();
    let tree = Tree::open(&acq, Limits::default()).unwrap();
    assert_eq!(tree.format(), TreeFormat::Folder);
    let paths: Vec<&str> = tree.entries().iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["getprop.txt", "logs"]);
    assert_eq!(tree.warnings().len(), 2, "{:?}", tree.warnings());
    assert!(tree.read("ps.txt").is_err());
    assert!(tree.find("**").iter().all(|e| !e.path.contains("secret")));
}
