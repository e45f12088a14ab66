//! Fixed-width bitsets stored back to back in one `Vec<u64>` (a "bit matrix"):
//! row `i` is `words[i * stride .. (i + 1) * stride]`. No allocation per row,
//! and a membership test is one load and a mask.

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BitMatrix {
    stride: usize,
    words: Vec<u64>,
}

/// Number of `u64` words that hold `bits` bits (at least one, so strides are never zero).
pub fn words_for(bits: usize) -> usize {
    bits.div_ceil(64).max(1)
}

impl BitMatrix {
    pub fn new(rows: usize, bits: usize) -> BitMatrix {
        let stride = words_for(bits);
        BitMatrix {
            stride,
            words: vec![0; rows * stride],
        }
    }

    /// An empty matrix whose rows will be pushed one by one.
    pub fn with_width(bits: usize) -> BitMatrix {
        BitMatrix {
            stride: words_for(bits),
            words: Vec::new(),
        }
    }

    /// Makes room for `rows` more rows.
    pub fn reserve_rows(&mut self, rows: usize) {
        self.words.reserve(rows * self.stride);
    }

    pub fn stride(&self) -> usize {
        self.stride
    }

    pub fn rows(&self) -> usize {
        self.words.len() / self.stride
    }

    #[inline]
    pub fn row(&self, i: usize) -> &[u64] {
        self.words
            .get(i * self.stride..(i + 1) * self.stride)
            .unwrap_or(&[])
    }

    #[inline]
    pub fn row_mut(&mut self, i: usize) -> &mut [u64] {
        let s = self.stride;
        self.words.get_mut(i * s..(i + 1) * s).unwrap_or(&mut [])
    }

    /// Appends a row and returns its index.
    pub fn push(&mut self, row: &[u64]) -> usize {
        let i = self.rows();
        self.words.extend_from_slice(row);
        self.words.resize((i + 1) * self.stride, 0);
        i
    }

    #[inline]
    pub fn get(&self, row: usize, bit: usize) -> bool {
        test(self.row(row), bit)
    }

    #[inline]
    pub fn set(&mut self, row: usize, bit: usize) {
        set(self.row_mut(row), bit)
    }
}

/// Rows for a few of many indices (those pushed with a bit set), in a
/// [`BitMatrix`] of their own: every other index's row is empty. For rows
/// nearly always empty (the access a user's data revokes: 80 MB of zeros
/// as a full matrix on a million users).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SparseRows {
    /// The indices that have a row, increasing.
    at: Vec<u32>,
    rows: BitMatrix,
}

impl SparseRows {
    pub fn with_width(bits: usize) -> SparseRows {
        SparseRows {
            at: Vec::new(),
            rows: BitMatrix::with_width(bits),
        }
    }

    /// Gives index `i` the row `row` when a bit of it is set. Rows are
    /// given in increasing order of index, as a table is built (the index
    /// of the entry being pushed); an index not above the last one given a
    /// row is a mistake of the caller (kept out by a debug assertion).
    pub fn push(&mut self, i: usize, row: &[u64]) {
        let Ok(i) = u32::try_from(i) else {
            return;
        };
        if row.iter().all(|&w| w == 0) {
            return;
        }
        debug_assert!(self.at.last().is_none_or(|&l| l < i), "rows out of order");
        if self.at.last().is_none_or(|&l| l < i) {
            self.at.push(i);
            self.rows.push(row);
        }
    }

    /// Index `i`'s row, `None` when it is empty.
    #[inline]
    pub fn row(&self, i: usize) -> Option<&[u64]> {
        if self.at.is_empty() {
            return None;
        }
        let k = self.at.binary_search(&u32::try_from(i).ok()?).ok()?;
        Some(self.rows.row(k))
    }

    #[inline]
    pub fn get(&self, i: usize, bit: usize) -> bool {
        self.row(i).is_some_and(|r| test(r, bit))
    }
}

#[inline]
pub fn test(row: &[u64], bit: usize) -> bool {
    row.get(bit / 64)
        .is_some_and(|w| w & (1u64 << (bit % 64)) != 0)
}

#[inline]
pub fn set(row: &mut [u64], bit: usize) {
    if let Some(w) = row.get_mut(bit / 64) {
        *w |= 1u64 << (bit % 64);
    }
}

#[inline]
pub fn clear(row: &mut [u64], bit: usize) {
    if let Some(w) = row.get_mut(bit / 64) {
        *w &= !(1u64 << (bit % 64));
    }
}

pub fn union_into(dst: &mut [u64], src: &[u64]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d |= s;
    }
}

pub fn subtract(dst: &mut [u64], src: &[u64]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d &= !s;
    }
}

/// The indices of the set bits, in increasing order.
pub fn ones(row: &[u64]) -> impl Iterator<Item = usize> + '_ {
    row.iter().enumerate().flat_map(|(wi, &w)| {
        let mut w = w;
        std::iter::from_fn(move || {
            if w == 0 {
                None
            } else {
                let b = w.trailing_zeros() as usize;
                w &= w - 1;
                Some(wi * 64 + b)
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_independent() {
        let mut m = BitMatrix::new(3, 130);
        m.set(1, 0);
        m.set(1, 129);
        m.set(2, 64);
        assert!(m.get(1, 0) && m.get(1, 129) && m.get(2, 64));
        assert!(!m.get(0, 0) && !m.get(2, 0) && !m.get(1, 64));
        assert_eq!(ones(m.row(1)).collect::<Vec<_>>(), vec![0, 129]);
        assert!(!m.get(7, 0), "out of range rows hold nothing");
    }

    #[test]
    fn sparse_rows_hold_the_rows_with_a_bit_set() {
        let mut m = SparseRows::with_width(70);
        assert_eq!(m.row(0), None);
        m.push(2, &[0, 0]);
        m.push(3, &[0, 1 << 3]);
        m.push(9, &[1, 0]);
        assert_eq!(m.row(2), None, "an empty row is not kept");
        assert!(m.get(3, 67) && !m.get(3, 66));
        assert!(m.get(9, 0));
        assert_eq!(m.row(4), None);
        assert_eq!(m.row(10), None);
        assert_eq!(m.row(usize::MAX), None);
    }
}
