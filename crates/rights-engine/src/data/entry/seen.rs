//! Keys written twice in a JSON object, found in work linear in its size.

use super::Field;
use crate::syntax::ast::Name;

/// The keys of an object read so far, to find one written twice: a list
/// scan while the object is small, a hash map once it is not (an object with
/// 100,000 keys costs 100,000 lookups, not 5·10⁹ comparisons).
#[derive(Default)]
pub(super) struct Seen {
    index: rustc_hash::FxHashMap<String, usize>,
}

impl Seen {
    /// Objects up to this many keys are scanned.
    const SCAN: usize = 16;

    /// The first member (of the `len` kept so far, `at(i)` giving each) with
    /// this key; otherwise `key` is remembered as the next one.
    pub(super) fn first<'a, T: Keyed>(
        &mut self,
        key: &str,
        len: usize,
        at: impl Fn(usize) -> &'a T,
    ) -> Option<&'a T> {
        if len < Seen::SCAN {
            return (0..len).map(&at).find(|m| m.key() == key);
        }
        if self.index.is_empty() {
            for i in 0..len {
                self.index.entry(at(i).key().to_string()).or_insert(i);
            }
        }
        match self.index.get(key) {
            Some(&i) => Some(at(i)),
            None => {
                self.index.insert(key.to_string(), len);
                None
            }
        }
    }
}

/// A member of an object, by its key.
pub(super) trait Keyed {
    fn key(&self) -> &str;
}

impl Keyed for Name {
    fn key(&self) -> &str {
        &self.text
    }
}

impl Keyed for Field<'_> {
    fn key(&self) -> &str {
        &self.key
    }
}

#[cfg(test)]
mod tests {
    use super::{Keyed, Seen};
    use std::cell::Cell;

    struct K(String);
    impl Keyed for K {
        fn key(&self) -> &str {
            &self.0
        }
    }

    /// Reads `n` distinct keys then one repeated; returns how many members
    /// were looked at, and whether the repeat was found.
    fn looks(n: usize) -> (usize, bool) {
        let mut kept: Vec<K> = Vec::new();
        let mut seen = Seen::default();
        let looked = Cell::new(0);
        for i in 0..n {
            let key = format!("k{i}");
            let dup = {
                let at = |j: usize| {
                    looked.set(looked.get() + 1);
                    &kept[j]
                };
                seen.first(&key, kept.len(), at).is_some()
            };
            assert!(!dup, "k{i} is new");
            kept.push(K(key));
        }
        let at = |j: usize| {
            looked.set(looked.get() + 1);
            &kept[j]
        };
        let again = seen.first("k1", kept.len(), at).map(|k| k.0.clone());
        (looked.get(), again.as_deref() == Some("k1"))
    }

    /// Keys written twice are found, and the work grows with the number of
    /// keys, not its square: doubling the keys at most doubles (plus the
    /// small-object scan) the members looked at.
    #[test]
    fn duplicate_keys_are_found_in_linear_work() {
        for n in [3, 20, 1000] {
            assert!(looks(n).1, "the repeat is found among {n} keys");
        }
        let (a, _) = looks(10_000);
        let (b, _) = looks(20_000);
        assert!(
            b <= 2 * a + 256,
            "{a} members looked at for 10,000 keys, {b} for 20,000"
        );
        assert!(a < 10 * 10_000, "{a} members looked at for 10,000 keys");
    }
}
