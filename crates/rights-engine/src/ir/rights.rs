//! [`UserRights`]: a user's effective rights as a shared row and a few
//! rights of their own.
//!
//! Most users hold what their roles give, less what denies take, plus a
//! grant or two and a revoke of their own. A row of every user's exact set
//! would make nearly every row distinct (a million users: 1.25 KB each at
//! 10,000 rights, 1.25 GB). Instead a user points at the row of their roles
//! (less denies, shared with every user of the same roles) and lists up to
//! [`FLIPS`] rights whose bit their own grants and revokes turn over; a user
//! with more points at a row of their exact set. A question reads the
//! 16-byte entry (in the user's card, `cards.rs`, which it reads anyway)
//! and one bit of the row.

use super::bits::BitMatrix;

/// The most rights a user's entry turns over.
pub(crate) const FLIPS: usize = 6;

/// An unused place in [`UserRights::flips`] (never a right's index: a
/// user whose own data turns over a right of this index or above keeps an
/// exact row).
const NONE: u16 = u16::MAX;

/// See the module's documentation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C, align(16))]
pub(crate) struct UserRights {
    /// The user's row of `rights_sets`.
    pub(crate) set: u32,
    /// Rights whose bit in the row is the wrong way round for this user,
    /// in increasing order, then [`NONE`].
    flips: [u16; FLIPS],
}

impl UserRights {
    /// Row `set` as it is.
    pub(crate) fn exact(set: u32) -> UserRights {
        UserRights {
            set,
            flips: [NONE; FLIPS],
        }
    }

    /// The rights where `base` and `exact` differ, when there are at most
    /// [`FLIPS`] of them, each with an index below [`NONE`].
    pub(crate) fn flips_between(base: &[u64], exact: &[u64]) -> Option<[u16; FLIPS]> {
        let mut flips = [NONE; FLIPS];
        let mut n = 0;
        for (w, (b, e)) in base.iter().zip(exact).enumerate() {
            let mut diff = b ^ e;
            while diff != 0 {
                let bit = w * 64 + diff.trailing_zeros() as usize;
                diff &= diff - 1;
                let slot = flips.get_mut(n)?;
                *slot = u16::try_from(bit).ok().filter(|&b| b != NONE)?;
                n += 1;
            }
        }
        Some(flips)
    }

    /// Row `set` with `flips` turned over.
    pub(crate) fn flipped(set: u32, flips: [u16; FLIPS]) -> UserRights {
        UserRights { set, flips }
    }

    /// Whether right `r` is one this entry turns over.
    #[inline]
    fn flips(&self, r: usize) -> bool {
        // `NONE` is never asked: a right with that index is never flipped
        r < NONE as usize && self.flips.contains(&(r as u16))
    }

    /// Whether the user holds right `r`.
    #[inline]
    pub(crate) fn has(&self, sets: &BitMatrix, r: usize) -> bool {
        sets.get(self.set as usize, r) ^ self.flips(r)
    }

    /// The user's effective rights as a row of `sets`' width.
    pub(crate) fn row(&self, sets: &BitMatrix) -> Vec<u64> {
        (0..sets.stride()).map(|w| self.word(sets, w)).collect()
    }

    /// How many rights the user holds.
    pub(crate) fn count(&self, sets: &BitMatrix) -> usize {
        (0..sets.stride())
            .map(|w| self.word(sets, w).count_ones() as usize)
            .sum()
    }

    /// Word `w` of the user's effective rights.
    fn word(&self, sets: &BitMatrix, w: usize) -> u64 {
        let row = sets.row(self.set as usize);
        let word = row.get(w).copied().unwrap_or(0);
        self.flips
            .iter()
            .take_while(|&&f| f != NONE)
            .filter(|&&f| f as usize / 64 == w)
            .fold(word, |x, &f| x ^ 1u64 << (f % 64))
    }

    /// Whether this user, whose rows are `sets`, holds exactly the rights
    /// `other` does in `other_sets` (rows of the same width).
    pub(crate) fn same(
        &self,
        sets: &BitMatrix,
        other: &UserRights,
        other_sets: &BitMatrix,
    ) -> bool {
        sets.stride() == other_sets.stride()
            && (0..sets.stride()).all(|w| self.word(sets, w) == other.word(other_sets, w))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::bits;

    fn row(bits_set: &[usize]) -> Vec<u64> {
        let mut r = vec![0u64; 3];
        for &b in bits_set {
            bits::set(&mut r, b);
        }
        r
    }

    #[test]
    fn flips_turn_over_the_shared_row() {
        let mut sets = BitMatrix::with_width(150);
        let base = row(&[1, 70, 140]);
        let exact = row(&[1, 3, 140, 149]);
        let set = sets.push(&base) as u32;
        let flips = UserRights::flips_between(&base, &exact).expect("three flips");
        let user = UserRights::flipped(set, flips);
        for r in 0..150 {
            assert_eq!(user.has(&sets, r), bits::test(&exact, r), "right {r}");
        }
        assert_eq!(user.row(&sets), exact);
        assert_eq!(user.count(&sets), 4);
        let other = UserRights::exact(sets.push(&exact) as u32);
        assert!(user.same(&sets, &other, &sets));
        assert!(!user.same(&sets, &UserRights::exact(set), &sets));
    }

    #[test]
    fn too_many_flips_keep_an_exact_row() {
        let base = row(&[]);
        assert!(UserRights::flips_between(&base, &row(&[0, 1, 2, 3, 4, 5])).is_some());
        assert!(UserRights::flips_between(&base, &row(&[0, 1, 2, 3, 4, 5, 6])).is_none());
        // a right whose index is the unused mark is never flipped
        let mut wide = vec![0u64; 1025];
        bits::set(&mut wide, NONE as usize);
        assert!(UserRights::flips_between(&vec![0u64; 1025], &wide).is_none());
    }
}
