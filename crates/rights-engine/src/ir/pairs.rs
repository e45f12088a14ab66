//! An index from (user, resource) to the user's access entry there: open
//! addressing with linear probing over 16-byte slots, the key and what it
//! maps to in one cache line. A question about a resource finds its entry
//! with one probe, where a search of the user's entries takes a chain of
//! dependent loads.

/// Slot `[key, value]`; key 0 marks an empty slot (keys are never 0: the
/// user is stored plus one).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PairIndex {
    slots: Vec<[u64; 2]>,
    len: usize,
}

#[inline(always)]
fn key(user: u32, res: u32) -> u64 {
    (u64::from(user) + 1) << 32 | u64::from(res)
}

impl PairIndex {
    #[inline(always)]
    fn home(&self, k: u64) -> usize {
        // Fibonacci hashing: the high bits of the product
        let bits = self.slots.len().trailing_zeros();
        (k.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
    }

    /// What (user, res) maps to.
    #[inline]
    pub fn get(&self, user: u32, res: u32) -> Option<u64> {
        if self.slots.is_empty() {
            return None;
        }
        let k = key(user, res);
        let mask = self.slots.len() - 1;
        let mut i = self.home(k);
        loop {
            let [sk, v] = *self.slots.get(i)?;
            if sk == k {
                return Some(v);
            }
            if sk == 0 {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// Maps (user, res) to `value` (replacing what it mapped to).
    pub fn insert(&mut self, user: u32, res: u32, value: u64) {
        // at most 5/8 full: probes stay short
        if (self.len + 1) * 8 > self.slots.len() * 5 {
            self.grow();
        }
        let k = key(user, res);
        let mask = self.slots.len() - 1;
        let mut i = self.home(k);
        while let Some(slot) = self.slots.get_mut(i) {
            if slot[0] == 0 {
                *slot = [k, value];
                self.len += 1;
                return;
            }
            if slot[0] == k {
                slot[1] = value;
                return;
            }
            i = (i + 1) & mask;
        }
    }

    /// Makes room for `more` entries beyond those held.
    pub fn reserve(&mut self, more: usize) {
        while (self.len + more) * 8 > self.slots.len() * 5 {
            self.grow();
        }
    }

    fn grow(&mut self) {
        let cap = (self.slots.len() * 2).max(16);
        let old = std::mem::replace(&mut self.slots, vec![[0, 0]; cap]);
        self.len = 0;
        for [k, v] in old {
            if k != 0 {
                self.insert(((k >> 32) - 1) as u32, k as u32, v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_was_inserted_and_nothing_else() {
        let mut ix = PairIndex::default();
        assert_eq!(ix.get(0, 0), None);
        for u in 0..300u32 {
            for r in (0..50u32).map(|r| r * 7 + u % 3) {
                ix.insert(u, r, u64::from(u) * 1000 + u64::from(r));
            }
        }
        for u in 0..300u32 {
            for r in 0..360u32 {
                let expected =
                    (r % 7 == u % 3 && r / 7 < 50).then(|| u64::from(u) * 1000 + u64::from(r));
                assert_eq!(ix.get(u, r), expected, "{u} {r}");
            }
        }
        ix.insert(5, 2, 1);
        assert_eq!(ix.get(5, 2), Some(1));
        assert_eq!(ix.get(u32::MAX - 1, u32::MAX), None);
    }
}
