//! Archives and long lines: an androidqf zip bomb, zip entries named `..`, absolute or links,
//! an androidqf folder whose files are links out of it, invalid UTF-8 in every text file, and
//! lines of 64 MiB and 2 GiB (sparse: no disk and no memory to make).

use super::{sparse_line, Case, ANDROIDQF};
use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::symlink;
use std::path::Path;
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

const GETPROP: &[u8] = b"[ro.product.model]: [X]\n[ro.build.version.release]: [14]\n";
const PS: &[u8] = b"USER PID PPID VSZ RSS WCHAN ADDR S NAME\nroot 1 0 1 2 0 0 S init\n";

fn zip_file(
    path: &Path,
    f: impl FnOnce(&mut zip::ZipWriter<fs::File>) -> io::Result<()>,
) -> io::Result<()> {
    let mut z = zip::ZipWriter::new(fs::File::create(path)?);
    f(&mut z)?;
    z.finish().map_err(io::Error::other)?;
    Ok(())
}

fn put(z: &mut zip::ZipWriter<fs::File>, name: &str, data: &[u8]) -> io::Result<()> {
    let o = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    z.start_file(name, o).map_err(io::Error::other)?;
    z.write_all(data)
}

/// `getprop.txt` is 64 MiB of zeros deflated to about 64 KiB (ratio ~1000:1).
fn zip_bomb(path: &Path, _: &Path) -> io::Result<()> {
    zip_file(path, |z| {
        put(z, "acq/ps.txt", PS)?;
        let o = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .large_file(false);
        z.start_file("acq/getprop.txt", o)
            .map_err(io::Error::other)?;
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..64 {
            z.write_all(&zeros)?;
        }
        Ok(())
    })
}

fn zip_names(path: &Path, _: &Path) -> io::Result<()> {
    zip_file(path, |z| {
        put(z, "getprop.txt", GETPROP)?;
        put(z, "ps.txt", PS)?;
        put(z, "../../outside/secret.txt", b"x")?;
        put(z, "/etc/passwd", b"x")?;
        put(z, "..\\..\\windows.txt", b"x")?;
        let o = SimpleFileOptions::default();
        z.add_symlink("settings_global.txt", "/etc/passwd", o)
            .map_err(io::Error::other)?;
        z.add_symlink("packages.json", "../outside/secret.txt", o)
            .map_err(io::Error::other)
    })
}

fn folder_links(dir: &Path, outside: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    fs::write(dir.join("ps.txt"), PS)?;
    symlink(outside.join("secret.txt"), dir.join("getprop.txt"))?;
    symlink("/etc/passwd", dir.join("settings_global.txt"))?;
    symlink(outside, dir.join("logs"))
}

fn invalid_utf8(dir: &Path, _: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    fs::write(
        dir.join("getprop.txt"),
        b"[ro.build.version.security_patch]: [2024-\xff\xfe]\n[\xc3\x28]: [\xed\xa0\x80]\n",
    )?;
    fs::write(
        dir.join("ps.txt"),
        b"USER PID PPID VSZ RSS WCHAN ADDR S NAME\nroot 1 0 1 2 0 0 S in\xffit\n",
    )?;
    fs::write(
        dir.join("settings_global.txt"),
        b"adb_enabled=1\n\xff\xfe=\x80\n",
    )?;
    fs::write(
        dir.join("packages.json"),
        b"[{\"name\": \"com.\xff.x\", \"files\": []}]",
    )
}

fn long_getprop(dir: &Path, _: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    fs::write(dir.join("ps.txt"), PS)?;
    sparse_line(&dir.join("getprop.txt"), 2 << 30)
}

/// An iOS full-filesystem dump (a folder) whose shutdown.log is one line of `len` bytes.
fn dump_with_line(dir: &Path, len: u64) -> io::Result<()> {
    let diag = dir.join("private/var/db/diagnostics");
    fs::create_dir_all(dir.join("private/var/mobile/Library"))?;
    if len >= 1 << 30 {
        return sparse_line(&diag.join("shutdown.log"), len);
    }
    fs::create_dir_all(&diag)?;
    let mut f = io::BufWriter::new(fs::File::create(diag.join("shutdown.log"))?);
    let chunk = vec![b'A'; 1 << 20];
    let mut left = len;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        f.write_all(&chunk[..n])?;
        left -= n as u64;
    }
    f.flush()
}

fn line_64m(dir: &Path, _: &Path) -> io::Result<()> {
    dump_with_line(dir, 64 << 20)
}

fn line_2g(dir: &Path, _: &Path) -> io::Result<()> {
    dump_with_line(dir, 2 << 30)
}

/// A dump with two WebKit origin files of the hashed layout: a real one naming a site, and one
/// of 2 GiB (sparse) that must be refused by its size, unread.
fn huge_origin(dir: &Path, _: &Path) -> io::Result<()> {
    let data = dir.join(
        "private/var/mobile/Containers/Data/Application/A/Library/WebKit/WebsiteData/Default",
    );
    fs::create_dir_all(data.join("H1/H1"))?;
    // https://a.example as top-level and frame origin: per site, the scheme and the host
    // (length, 1 for Latin-1, the bytes), then 0 for the default port.
    let site: &[u8] = b"\x05\0\0\0\x01https\x09\0\0\0\x01a.example\0";
    fs::write(data.join("H1/H1/origin"), [site, site].concat())?;
    sparse_line(&data.join("H2/H2/origin"), 2 << 30)
}

pub fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "androidqf-zip-bomb.zip",
            what: "androidqf zip whose getprop.txt inflates 64 KiB to 64 MiB: refused by the \
                   compression ratio before inflating, naming the entry",
            args: ANDROIDQF,
            exit: 0,
            says: &["getprop.txt"],
            build: zip_bomb,
        },
        Case {
            name: "androidqf-zip-names.zip",
            what: "zip entries named ../../outside/secret.txt, /etc/passwd, ..\\..\\windows.txt, \
                   and symbolic links to /etc/passwd and out of the archive: each refused and \
                   listed, the rest checked",
            args: ANDROIDQF,
            exit: 0,
            says: &["refused"],
            build: zip_names,
        },
        Case {
            name: "androidqf-folder-links",
            what: "androidqf folder whose getprop.txt, settings and logs/ are links out of it: \
                   refused, never followed",
            args: ANDROIDQF,
            exit: 0,
            says: &["refused"],
            build: folder_links,
        },
        Case {
            name: "androidqf-invalid-utf8",
            what: "invalid UTF-8 in getprop, ps, settings and packages.json: replaced, counted",
            args: ANDROIDQF,
            exit: 0,
            says: &["AQFGetProp: 2 records", "AQFSettings: 2 records"],
            build: invalid_utf8,
        },
        Case {
            name: "androidqf-getprop-2gib",
            what: "getprop.txt is one line of 2 GiB (sparse): refused by size, never read",
            args: ANDROIDQF,
            exit: 0,
            says: &["getprop.txt"],
            build: long_getprop,
        },
        Case {
            name: "iosfs-shutdown-line-64mib",
            what: "a dump whose shutdown.log is one 64 MiB line: read once, counted as one line \
                   not understood",
            args: &["ios", "check-fs"],
            exit: 0,
            says: &["shutdown_log"],
            build: line_64m,
        },
        Case {
            name: "iosfs-shutdown-line-2gib",
            what: "a dump whose shutdown.log is one 2 GiB line (sparse): refused by size, never \
                   read into memory",
            args: &["ios", "check-fs"],
            exit: 0,
            says: &["shutdown.log"],
            build: line_2g,
        },
        Case {
            name: "iosfs-webkit-origin-2gib",
            what: "a dump whose WebKit origin file is 2 GiB (sparse): refused by size, never \
                   read; the other origin file read",
            args: &["ios", "check-fs"],
            exit: 0,
            says: &["more than an origin file holds", "WebkitOrigins: 1 records"],
            build: huge_origin,
        },
    ]
}
