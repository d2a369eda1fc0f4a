//! A small, bounds-checked reader for binary property lists, used to decode the `MBFile`
//! archives in `Manifest.db` quickly (one per file of the backup: 300,000 in a large one).
//!
//! Format (Apple's CFBinaryPList): `bplist00`, objects, an offset table, and a 32-byte trailer
//! (offset size, reference size, object count, top object, offset-table position). Each object
//! starts with a marker byte: high nibble the type, low nibble a size (15 = an integer object
//! follows with the real size). Only what `MBFile` needs is read; anything else yields `None`
//! and the caller falls back to the general `plist` parser.

/// An object of the list, borrowing from its bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Obj<'a> {
    /// An integer (signed as stored).
    Int(i64),
    /// An ASCII string's bytes.
    Ascii(&'a [u8]),
    /// Raw data.
    Data(&'a [u8]),
    /// A keyed-archiver reference.
    Uid(u64),
    /// An array: position of its references and their count.
    Array(usize, usize),
    /// A dictionary: position of its key references (values follow) and their count.
    Dict(usize, usize),
    /// Any other type.
    Other,
}

/// A parsed binary plist.
pub struct Bplist<'a> {
    data: &'a [u8],
    table: usize,
    offset_size: usize,
    ref_size: usize,
    count: usize,
    top: usize,
}

fn be(bytes: &[u8]) -> Option<u64> {
    if bytes.is_empty() || bytes.len() > 8 {
        return None;
    }
    Some(bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
}

impl<'a> Bplist<'a> {
    /// Reads the header and trailer.
    pub fn new(data: &'a [u8]) -> Option<Self> {
        if data.len() < 8 + 32 || !data.starts_with(b"bplist00") {
            return None;
        }
        let t = &data[data.len() - 32..];
        let offset_size = usize::from(t[6]);
        let ref_size = usize::from(t[7]);
        let count = usize::try_from(be(&t[8..16])?).ok()?;
        let top = usize::try_from(be(&t[16..24])?).ok()?;
        let table = usize::try_from(be(&t[24..32])?).ok()?;
        let table_len = count.checked_mul(offset_size)?;
        if !(1..=8).contains(&offset_size)
            || !(1..=8).contains(&ref_size)
            || top >= count
            || table.checked_add(table_len)? > data.len() - 32
        {
            return None;
        }
        Some(Bplist {
            data,
            table,
            offset_size,
            ref_size,
            count,
            top,
        })
    }

    /// The top object's index.
    pub fn top(&self) -> usize {
        self.top
    }

    fn offset(&self, idx: usize) -> Option<usize> {
        if idx >= self.count {
            return None;
        }
        let at = self.table + idx * self.offset_size;
        let off = usize::try_from(be(self.data.get(at..at + self.offset_size)?)?).ok()?;
        (off < self.table).then_some(off)
    }

    /// The `i`-th reference stored at `at`.
    pub fn reference(&self, at: usize, i: usize) -> Option<usize> {
        let at = at.checked_add(i.checked_mul(self.ref_size)?)?;
        usize::try_from(be(self.data.get(at..at.checked_add(self.ref_size)?)?)?).ok()
    }

    /// Reads an object's length: the low nibble, or the integer object that follows.
    fn length(&self, at: usize, nibble: u8) -> Option<(usize, usize)> {
        if nibble != 0x0f {
            return Some((usize::from(nibble), at + 1));
        }
        let marker = *self.data.get(at + 1)?;
        if marker >> 4 != 0x1 {
            return None;
        }
        let n = 1usize << (marker & 0x0f);
        let len = usize::try_from(be(self.data.get(at + 2..at + 2 + n)?)?).ok()?;
        Some((len, at + 2 + n))
    }

    /// Object number `idx`.
    pub fn object(&self, idx: usize) -> Option<Obj<'a>> {
        let at = self.offset(idx)?;
        let marker = *self.data.get(at)?;
        let (kind, nibble) = (marker >> 4, marker & 0x0f);
        match kind {
            0x1 => {
                let n = 1usize << nibble;
                let bytes = self.data.get(at + 1..at + 1 + n)?;
                let v = be(bytes)?;
                // 1, 2 and 4-byte integers are unsigned; 8-byte ones are signed.
                Some(Obj::Int(v as i64))
            }
            0x4 | 0x5 => {
                let (len, start) = self.length(at, nibble)?;
                let bytes = self.data.get(start..start.checked_add(len)?)?;
                Some(if kind == 0x4 {
                    Obj::Data(bytes)
                } else {
                    Obj::Ascii(bytes)
                })
            }
            0x8 => Some(Obj::Uid(be(self
                .data
                .get(at + 1..at + 2 + usize::from(nibble))?)?)),
            0xa | 0xd => {
                let (len, start) = self.length(at, nibble)?;
                let refs = len.checked_mul(self.ref_size)?;
                let total = if kind == 0xd {
                    refs.checked_mul(2)?
                } else {
                    refs
                };
                if start.checked_add(total)? > self.table {
                    return None;
                }
                Some(if kind == 0xa {
                    Obj::Array(start, len)
                } else {
                    Obj::Dict(start, len)
                })
            }
            _ => Some(Obj::Other),
        }
    }

    /// The value under ASCII key `key` of the dictionary `dict`. A key given twice yields its
    /// last value, as the general parser (and Python's `plistlib`, so MVT) reads it.
    pub fn get(&self, dict: Obj<'a>, key: &str) -> Option<Obj<'a>> {
        let Obj::Dict(at, len) = dict else {
            return None;
        };
        for i in (0..len).rev() {
            if self.object(self.reference(at, i)?)? == Obj::Ascii(key.as_bytes()) {
                return self.object(self.reference(at, len + i)?);
            }
        }
        None
    }
}
