//! Reading a STIX2 bundle (`{"type": "bundle", "objects": [...]}`) in one streaming pass.
//!
//! Only what indicator loading needs is kept, borrowed from the input where the JSON has no
//! escapes: `malware` names, `report` names and `object_refs`, `indicator` ids and patterns, and
//! `relationship` (`indicates`) links. Every other object is skipped without being stored, so a
//! bundle of a million indicators costs little more than its indicators. Fields of an unexpected
//! JSON type are ignored; only a missing or non-string `type` is an error.
//!
//! Each indicator is then given its collection in O(1): first a report whose `object_refs`
//! contain it, else an `indicates` relationship to a malware, else none (the default
//! collection). This is the order MVT uses, without its nested loops.

use foldhash::{HashMap, HashMapExt};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// An indicator object as found in the bundle.
#[derive(Debug)]
pub(crate) struct RawIndicator<'a> {
    pub id: Option<Cow<'a, str>>,
    pub pattern: Option<Cow<'a, str>>,
    pub pattern_type: Option<Cow<'a, str>>,
    /// Index into [`Bundle::collections`], or `None` for the default collection.
    pub collection: Option<usize>,
}

/// The parts of a bundle indicator loading uses.
#[derive(Debug, Default)]
pub(crate) struct Bundle<'a> {
    /// Names of the `malware` and `report` objects, in file order.
    pub collections: Vec<String>,
    /// The `indicator` objects, in file order.
    pub indicators: Vec<RawIndicator<'a>>,
}

/// Why a bundle could not be read.
pub(crate) enum ReadError {
    Json(serde_json::Error),
    NotABundle(String),
}

/// Parses `bytes` as a STIX2 bundle.
pub(crate) fn read_bundle(bytes: &[u8]) -> Result<Bundle<'_>, ReadError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let mut collector = Collector::default();
    let kind = BundleSeed(&mut collector)
        .deserialize(&mut de)
        .map_err(ReadError::Json)?;
    de.end().map_err(ReadError::Json)?;
    match kind.as_deref() {
        Some("bundle") => {}
        Some(other) => {
            return Err(ReadError::NotABundle(format!(
                "its \"type\" is \"{other}\", not \"bundle\""
            )))
        }
        None => {
            return Err(ReadError::NotABundle(
                "it has no \"type\": \"bundle\" field".into(),
            ))
        }
    }
    Ok(collector.finish())
}

#[derive(Default)]
struct Collector<'a> {
    collections: Vec<String>,
    malware_ids: HashMap<Cow<'a, str>, usize>,
    report_refs: HashMap<Cow<'a, str>, usize>,
    relationships: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    indicators: Vec<RawIndicator<'a>>,
}

impl<'a> Collector<'a> {
    fn add(&mut self, obj: RawObject<'a>) {
        match obj.kind.as_deref() {
            Some("malware") | Some("report") => {
                let index = self.collections.len();
                let name = match (obj.name, &obj.id) {
                    (Some(name), _) => name.into_owned(),
                    (None, Some(id)) => id.to_string(),
                    (None, None) => "Unnamed collection".to_string(),
                };
                self.collections.push(name);
                if obj.kind.as_deref() == Some("malware") {
                    if let Some(id) = obj.id {
                        self.malware_ids.entry(id).or_insert(index);
                    }
                } else {
                    for r in obj.object_refs {
                        self.report_refs.entry(r).or_insert(index);
                    }
                }
            }
            Some("indicator") => self.indicators.push(RawIndicator {
                id: obj.id,
                pattern: obj.pattern,
                pattern_type: obj.pattern_type,
                collection: None,
            }),
            Some("relationship") if obj.relationship_type.as_deref() == Some("indicates") => {
                if let (Some(s), Some(t)) = (obj.source_ref, obj.target_ref) {
                    self.relationships.push((s, t));
                }
            }
            _ => {}
        }
    }

    fn finish(self) -> Bundle<'a> {
        let mut indicated: HashMap<&str, usize> = HashMap::new();
        for (source, target) in &self.relationships {
            if let Some(&c) = self.malware_ids.get(target) {
                indicated.entry(source.as_ref()).or_insert(c);
            }
        }
        let mut indicators = self.indicators;
        for ind in &mut indicators {
            ind.collection = ind.id.as_deref().and_then(|id| {
                self.report_refs
                    .get(id)
                    .or_else(|| indicated.get(id))
                    .copied()
            });
        }
        Bundle {
            collections: self.collections,
            indicators,
        }
    }
}

/// The fields of any STIX object that loading reads.
#[derive(Default)]
struct RawObject<'a> {
    kind: Option<Cow<'a, str>>,
    id: Option<Cow<'a, str>>,
    name: Option<Cow<'a, str>>,
    pattern: Option<Cow<'a, str>>,
    pattern_type: Option<Cow<'a, str>>,
    relationship_type: Option<Cow<'a, str>>,
    source_ref: Option<Cow<'a, str>>,
    target_ref: Option<Cow<'a, str>>,
    object_refs: Vec<Cow<'a, str>>,
}

/// Reads the top-level object; returns its `type`.
struct BundleSeed<'c, 'a>(&'c mut Collector<'a>);

impl<'de> DeserializeSeed<'de> for BundleSeed<'_, 'de> {
    type Value = Option<Cow<'de, str>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for BundleSeed<'_, 'de> {
    type Value = Option<Cow<'de, str>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a STIX2 bundle (a JSON object)")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut kind = None;
        while let Some(Str(key)) = map.next_key::<Str<'de>>()? {
            match key.as_deref() {
                Some("type") => kind = map.next_value::<Str<'de>>()?.0,
                Some("objects") => map.next_value_seed(ObjectsSeed(&mut *self.0))?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(kind)
    }
}

/// Reads the `objects` array, handing each object to the collector.
struct ObjectsSeed<'c, 'a>(&'c mut Collector<'a>);

impl<'de> DeserializeSeed<'de> for ObjectsSeed<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ObjectsSeed<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of STIX2 objects for \"objects\"")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0usize;
        while let Some(obj) = seq.next_element_seed(ObjectSeed(index))? {
            self.0.add(obj);
            index += 1;
        }
        Ok(())
    }
}

/// Reads one STIX object; its index in `objects` names it in errors.
struct ObjectSeed(usize);

impl<'de> DeserializeSeed<'de> for ObjectSeed {
    type Value = RawObject<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ObjectSeed {
    type Value = RawObject<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a STIX2 object (a JSON object) at objects[{}]", self.0)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut obj = RawObject::default();
        while let Some(Str(key)) = map.next_key::<Str<'de>>()? {
            let slot = match key.as_deref() {
                Some("type") => &mut obj.kind,
                Some("id") => &mut obj.id,
                Some("name") => &mut obj.name,
                Some("pattern") => &mut obj.pattern,
                Some("pattern_type") => &mut obj.pattern_type,
                Some("relationship_type") => &mut obj.relationship_type,
                Some("source_ref") => &mut obj.source_ref,
                Some("target_ref") => &mut obj.target_ref,
                Some("object_refs") => {
                    obj.object_refs = map.next_value::<StrList<'de>>()?.0;
                    continue;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            *slot = map.next_value::<Str<'de>>()?.0;
        }
        if obj.kind.is_none() {
            return Err(de::Error::custom(format!(
                "objects[{}] has no string \"type\" field",
                self.0
            )));
        }
        Ok(obj)
    }
}

/// A JSON value kept if it is a string (borrowed when unescaped), dropped otherwise.
struct Str<'a>(Option<Cow<'a, str>>);

impl<'de> de::Deserialize<'de> for Str<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrVisitor)
    }
}

struct StrVisitor;

/// Visitor methods that accept any non-string JSON value and yield `$empty`.
macro_rules! ignore_non_strings {
    ($empty:expr) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok($empty)
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok($empty)
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok($empty)
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok($empty)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($empty)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok($empty)
        }
    };
}

impl<'de> Visitor<'de> for StrVisitor {
    type Value = Str<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Str(Some(Cow::Borrowed(v))))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Str(Some(Cow::Owned(v.to_string()))))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Str(Some(Cow::Owned(v))))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Str(None))
    }
    ignore_non_strings!(Str(None));
}

/// A JSON array whose string elements are kept; anything else yields an empty list.
struct StrList<'a>(Vec<Cow<'a, str>>);

impl<'de> de::Deserialize<'de> for StrList<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrListVisitor)
    }
}

struct StrListVisitor;

impl<'de> Visitor<'de> for StrListVisitor {
    type Value = StrList<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(Str(s)) = seq.next_element::<Str<'de>>()? {
            out.extend(s);
        }
        Ok(StrList(out))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(StrList(Vec::new()))
    }
    ignore_non_strings!(StrList(Vec::new()));
}
