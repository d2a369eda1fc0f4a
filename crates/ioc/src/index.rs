//! A hash index from normalised keys to the ids of the indicators that share them.

use foldhash::HashMap;
use std::borrow::Borrow;
use std::hash::Hash;

/// Keys to the ids of the indicators that share them; entries are numbered in insertion order.
#[derive(Debug)]
pub(crate) struct Index<K> {
    map: HashMap<K, usize>,
    entries: Vec<Vec<usize>>,
}

impl<K> Default for Index<K> {
    fn default() -> Self {
        Index {
            map: HashMap::default(),
            entries: Vec::new(),
        }
    }
}

impl<K: Hash + Eq> Index<K> {
    /// Adds `id` under `key`; returns the key's entry number.
    pub(crate) fn insert(&mut self, key: K, id: usize) -> usize {
        let next = self.entries.len();
        let entry = *self.map.entry(key).or_insert(next);
        if entry == next {
            self.entries.push(Vec::new());
        }
        if let Some(ids) = self.entries.get_mut(entry) {
            ids.push(id);
        }
        entry
    }

    pub(crate) fn insert_key(&mut self, key: K, id: usize) {
        self.insert(key, id);
    }

    pub(crate) fn entry<Q: Hash + Eq + ?Sized>(&self, key: &Q) -> Option<usize>
    where
        K: Borrow<Q>,
    {
        self.map.get(key).copied()
    }

    pub(crate) fn ids(&self, entry: usize) -> &[usize] {
        self.entries.get(entry).map_or(&[], Vec::as_slice)
    }

    pub(crate) fn get<Q: Hash + Eq + ?Sized>(&self, key: &Q) -> &[usize]
    where
        K: Borrow<Q>,
    {
        self.entry(key).map_or(&[], |e| self.ids(e))
    }
}
