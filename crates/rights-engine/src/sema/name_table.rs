//! [`NameTable`]: the map from a name to its id that every name lookup goes
//! through (the model's tables of rights, roles, users, resources, …).
//!
//! Built for lookups by the million on tables of 100,000 names: open
//! addressing with linear probing over 32-byte slots that hold the first 16
//! bytes of the name, its length and its value. A name of at most 16 bytes
//! (most ids: `user12345`, `resource_z`) is found, or found missing, by
//! reading one slot: one cache line, no pointer to follow, no call to
//! `memcmp`. Longer names compare the rest against one arena of every
//! name. A hash map of `String`s reads a control group, a bucket and the
//! string's own allocation.

use std::fmt;
use std::hash::Hasher;

/// Bytes of a name kept in its slot.
const HEAD: usize = 16;

#[derive(Clone, Copy)]
struct Slot<V> {
    /// The name's first 16 bytes, zero-padded, as two little-endian words.
    head: [u64; 2],
    len: u32,
    /// Index of the name in `spans`.
    key: u32,
    /// `None` in an empty slot.
    value: Option<V>,
}

/// A map from names to values (ids), in insertion order for iteration.
#[derive(Clone)]
pub struct NameTable<V> {
    /// Power-of-two many slots (or none), at most 5/8 full.
    slots: Vec<Slot<V>>,
    /// Every name inserted, one after another.
    arena: String,
    /// Each name's place in `arena`, in insertion order; `None` once removed.
    spans: Vec<Option<(u32, u32)>>,
    len: usize,
}

impl<V> Default for NameTable<V> {
    fn default() -> NameTable<V> {
        NameTable {
            slots: Vec::new(),
            arena: String::new(),
            spans: Vec::new(),
            len: 0,
        }
    }
}

/// Up to 8 bytes as a zero-padded little-endian word, read without a call
/// to `memcpy`: two overlapping reads whose common bytes are the same.
#[inline(always)]
fn word(b: &[u8]) -> u64 {
    let n = b.len();
    let u32_at = |i: usize| -> u64 {
        b.get(i..i + 4)
            .and_then(|x| <[u8; 4]>::try_from(x).ok())
            .map_or(0, |a| u64::from(u32::from_le_bytes(a)))
    };
    let u16_at = |i: usize| -> u64 {
        b.get(i..i + 2)
            .and_then(|x| <[u8; 2]>::try_from(x).ok())
            .map_or(0, |a| u64::from(u16::from_le_bytes(a)))
    };
    if n >= 8 {
        b.get(..8)
            .and_then(|x| <[u8; 8]>::try_from(x).ok())
            .map_or(0, u64::from_le_bytes)
    } else if n >= 4 {
        u32_at(0) | u32_at(n - 4) << (8 * (n - 4))
    } else if n >= 2 {
        u16_at(0) | u16_at(n - 2) << (8 * (n - 2))
    } else {
        b.first().map_or(0, |&x| u64::from(x))
    }
}

#[inline(always)]
fn head(name: &[u8]) -> [u64; 2] {
    [word(name), word(name.get(8..).unwrap_or(&[]))]
}

/// The slot hash: of the head and length for a name of at most 16 bytes
/// (no loop), of every byte beyond.
#[inline(always)]
fn hash(name: &[u8], head: [u64; 2]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = (head[0] ^ (name.len() as u64).rotate_left(56)).wrapping_mul(K);
    h = (h.rotate_left(26) ^ head[1]).wrapping_mul(K);
    if name.len() > HEAD {
        let mut f = rustc_hash::FxHasher::default();
        f.write(name.get(HEAD..).unwrap_or(&[]));
        h = (h.rotate_left(26) ^ f.finish()).wrapping_mul(K);
    }
    // the high bits of a multiplicative hash choose the slot
    h
}

impl<V: Copy> NameTable<V> {
    /// An empty table with room for `n` names.
    pub fn with_capacity(n: usize) -> NameTable<V> {
        let mut t = NameTable::default();
        t.spans.reserve(n);
        t.grow_to(n);
        t
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline(always)]
    fn home(&self, h: u64) -> usize {
        let bits = self.slots.len().trailing_zeros();
        (h >> (64 - bits)) as usize
    }

    /// The name with index `key` in `spans`.
    #[inline]
    fn key(&self, key: u32) -> &str {
        match self.spans.get(key as usize).copied().flatten() {
            Some((s, e)) => self.arena.get(s as usize..e as usize).unwrap_or(""),
            None => "",
        }
    }

    /// The slot holding `name`, if any.
    #[inline]
    fn find(&self, name: &str) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let b = name.as_bytes();
        let (hd, len) = (head(b), b.len() as u32);
        let mask = self.slots.len() - 1;
        let mut i = self.home(hash(b, hd));
        loop {
            let s = self.slots.get(i)?;
            s.value.as_ref()?;
            if s.len == len
                && s.head == hd
                && (b.len() <= HEAD || self.key(s.key).as_bytes().get(HEAD..) == b.get(HEAD..))
            {
                return Some(i);
            }
            i = (i + 1) & mask;
        }
    }

    #[inline]
    pub fn get(&self, name: &str) -> Option<&V> {
        self.find(name)
            .and_then(|i| self.slots.get(i))
            .and_then(|s| s.value.as_ref())
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.find(name).is_some()
    }

    /// Maps `name` to `value`; what it mapped to before, if anything.
    pub fn insert(&mut self, name: String, value: V) -> Option<V> {
        if let Some(i) = self.find(&name) {
            return self.slots.get_mut(i).and_then(|s| s.value.replace(value));
        }
        self.grow_to(self.len + 1);
        let start = self.arena.len() as u32;
        self.arena.push_str(&name);
        let key = self.spans.len() as u32;
        self.spans.push(Some((start, self.arena.len() as u32)));
        self.place(Slot {
            head: head(name.as_bytes()),
            len: name.len() as u32,
            key,
            value: Some(value),
        });
        self.len += 1;
        None
    }

    /// Puts a slot for a name not in the table (there is room).
    fn place(&mut self, slot: Slot<V>) {
        let mask = self.slots.len() - 1;
        let mut i = self.home(self.hash_of(&slot));
        while let Some(s) = self.slots.get_mut(i) {
            if s.value.is_none() {
                *s = slot;
                return;
            }
            i = (i + 1) & mask;
        }
    }

    /// The hash of the name in a slot.
    fn hash_of(&self, s: &Slot<V>) -> u64 {
        hash(self.key(s.key).as_bytes(), s.head)
    }

    /// Makes room for `additional` more names at once: a table that grows
    /// as it goes places every name again at each doubling, into fresh
    /// memory (a million users' ids: 2 million slots, 64 MB).
    pub fn reserve(&mut self, additional: usize) {
        self.grow_to(self.len.saturating_add(additional));
        self.spans.reserve(additional);
    }

    /// Makes room for `n` names (at most 5/8 of the slots full).
    fn grow_to(&mut self, n: usize) {
        if n * 8 <= self.slots.len() * 5 {
            return;
        }
        let mut cap = self.slots.len().max(8);
        while n * 8 > cap * 5 {
            cap *= 2;
        }
        let blank = Slot {
            head: [0; 2],
            len: 0,
            key: 0,
            value: None,
        };
        let old = std::mem::replace(&mut self.slots, vec![blank; cap]);
        for s in old {
            if s.value.is_some() {
                self.place(s);
            }
        }
    }

    /// Removes `name`; what it mapped to.
    pub fn remove(&mut self, name: &str) -> Option<V> {
        let mut i = self.find(name)?;
        let removed = *self.slots.get(i)?;
        if let Some(span) = self.spans.get_mut(removed.key as usize) {
            *span = None;
        }
        self.len -= 1;
        // backward shift: move later slots of the probe run into the hole
        let mask = self.slots.len() - 1;
        let mut j = i;
        loop {
            j = (j + 1) & mask;
            let Some(&s) = self.slots.get(j) else { break };
            if s.value.is_none() {
                break;
            }
            let home = self.home(self.hash_of(&s));
            // s may move to the hole at i if its home is not in (i, j]
            let between = if i <= j {
                i < home && home <= j
            } else {
                i < home || home <= j
            };
            if !between {
                if let Some(h) = self.slots.get_mut(i) {
                    *h = s;
                }
                i = j;
            }
        }
        if let Some(h) = self.slots.get_mut(i) {
            h.value = None;
        }
        removed.value
    }

    /// The names, in insertion order.
    pub fn keys(&self) -> impl Iterator<Item = &str> + '_ {
        self.spans.iter().filter_map(move |s| {
            s.map(|(a, b)| self.arena.get(a as usize..b as usize).unwrap_or(""))
        })
    }

    /// Each name and its value, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> + '_ {
        self.keys().filter_map(move |k| self.get(k).map(|v| (k, v)))
    }
}

impl<'a, V: Copy> IntoIterator for &'a NameTable<V> {
    type Item = (&'a str, &'a V);
    type IntoIter = Box<dyn Iterator<Item = (&'a str, &'a V)> + 'a>;
    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

impl<V: Copy + fmt::Debug> fmt::Debug for NameTable<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn room_reserved_is_not_grown_into() {
        let mut t: NameTable<u32> = NameTable::default();
        t.insert("first".into(), 0);
        t.reserve(10_000);
        let slots = t.slots.len();
        assert!(slots * 5 >= 10_001 * 8);
        for i in 1..=10_000 {
            t.insert(format!("user{i}"), i);
        }
        assert_eq!(t.slots.len(), slots);
        assert_eq!(t.get("user7777"), Some(&7777));
        assert_eq!(t.get("first"), Some(&0));
        assert_eq!(t.len(), 10_001);
    }

    #[test]
    fn short_and_long_names_inserted_found_and_removed() {
        let mut t: NameTable<u32> = NameTable::default();
        assert_eq!(t.get("x"), None);
        let names: Vec<String> = (0..5000)
            .map(|i| match i % 3 {
                0 => format!("user{i}"),
                1 => format!("a.rather.long.dotted.name.{i}"),
                _ => format!("{i}"),
            })
            .collect();
        for (i, n) in names.iter().enumerate() {
            assert_eq!(t.insert(n.clone(), i as u32), None);
        }
        assert_eq!(t.insert(String::new(), 99_999), None);
        assert_eq!(t.len(), 5001);
        for (i, n) in names.iter().enumerate() {
            assert_eq!(t.get(n), Some(&(i as u32)), "{n}");
        }
        assert_eq!(t.get(""), Some(&99_999));
        assert_eq!(t.get("user1"), None);
        assert_eq!(t.get("a.rather.long.dotted.name.0"), None);
        assert_eq!(t.get("a.rather.long.dotted.name.1"), Some(&1));
        assert_eq!(t.insert("user0".into(), 7), Some(0));
        // remove every other name; the rest stay found
        for n in names.iter().step_by(2) {
            assert!(t.remove(n).is_some(), "{n}");
        }
        for (i, n) in names.iter().enumerate() {
            let want = if i % 2 == 0 { None } else { Some(i as u32) };
            assert_eq!(t.get(n).copied(), want, "{n}");
        }
        assert_eq!(t.keys().count(), t.len());
        assert_eq!(t.len(), 2501);
    }
}
