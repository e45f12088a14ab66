//! [`Card`]: what an answer reads about a user or a resource besides its
//! rows, in 32 bytes: its name when it is short (most ids: `user12345`,
//! `res9310`). A user's [`UserCard`] adds whether their data revokes any
//! right and where their rights and roles are: every question about a
//! user reads it first, one cache line.
//!
//! An explanation names its user and resource in every reason, and looks
//! for the user's revokes. Read from the model, that is three cache lines
//! each (the entry's pointer, the entry, the name's bytes), a miss each on
//! a workload of 100,000 users; from the card, one.

use super::rights::UserRights;
use crate::sema::model::{ResourceId, UserId};

/// The longest name a card holds; a longer one is read from the model.
const NAME: usize = 31;

/// See the module's documentation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C, align(32))]
pub(crate) struct Card {
    /// The name's length, or `u8::MAX` when it is longer than [`NAME`].
    len: u8,
    name: [u8; NAME],
}

impl Card {
    pub(crate) fn of(name: &str) -> Card {
        let mut card = Card {
            len: u8::MAX,
            name: [0; NAME],
        };
        if let Some(to) = card.name.get_mut(..name.len()) {
            to.copy_from_slice(name.as_bytes());
            card.len = name.len() as u8;
        }
        card
    }

    /// The name, when the card holds it.
    #[inline]
    pub(crate) fn name(&self) -> Option<&str> {
        let bytes = self.name.get(..usize::from(self.len))?;
        std::str::from_utf8(bytes).ok()
    }
}

/// What a question reads first about a user: their [`Card`], their
/// effective rights, their row of `DataTables::role_sets` (their roles,
/// ancestors included; users with the same roles share it), and whether
/// their data revokes any right (so that an explanation reads their entry
/// only then).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C, align(64))]
pub(crate) struct UserCard {
    pub(crate) card: Card,
    pub(crate) rights: UserRights,
    pub(crate) roles: u32,
    pub(crate) revokes: bool,
}

/// What answers read from the cards.
impl super::Program {
    /// User `u`'s name ("?" for an id out of range): from its card when
    /// the name is short (one cache line), else from the data.
    pub fn user_name(&self, u: UserId) -> &str {
        match self
            .tables
            .user_cards
            .get(u.index())
            .and_then(|c| c.card.name())
        {
            Some(name) => name,
            None => self.data.users.get(u.index()).map_or("?", |x| &x.meta.name),
        }
    }

    /// Resource `r`'s name, as [`Program::user_name`].
    pub fn resource_name(&self, r: ResourceId) -> &str {
        let card = self.tables.shared.resource_cards.get(r.index());
        match card.and_then(|c| c.name()) {
            Some(name) => name,
            None => self
                .data
                .resources
                .get(r.index())
                .map_or("?", |x| &x.meta.name),
        }
    }

    /// Whether user `u`'s data revokes any right (so that an explanation
    /// reads their entry only then).
    pub(crate) fn revokes_any(&self, u: UserId) -> bool {
        self.tables
            .user_cards
            .get(u.index())
            .is_none_or(|c| c.revokes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_holds_a_short_name_and_not_a_long_one() {
        assert_eq!(std::mem::size_of::<Card>(), 32);
        assert_eq!(std::mem::size_of::<UserCard>(), 64);
        assert_eq!(Card::of("user12345").name(), Some("user12345"));
        assert_eq!(Card::of("").name(), Some(""));
        let longest = format!("x{}", "é".repeat(NAME / 2));
        assert_eq!(longest.len(), NAME);
        assert_eq!(Card::of(&longest).name(), Some(longest.as_str()));
        assert_eq!(Card::of(&"x".repeat(NAME + 1)).name(), None);
    }
}
