//! The stable diagnostic codes: the single table of them. Each code is written
//! once, with its identifier and its one-line summary; the enum, [`Code::ALL`],
//! [`Code::as_str`] and [`Code::summary`] are generated from that table.

use std::fmt;

macro_rules! codes {
    ($( $(#[$m:meta])* $variant:ident = $id:literal, $summary:literal; )*) => {
        /// The stable code of each kind of diagnostic.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Code {
            $( $(#[$m])* $variant, )*
            /// A lint rule's finding, by the rule's code (`R001`…, see `lint::RULES`).
            Lint(&'static str),
        }

        impl Code {
            /// Every code but lint findings, for documentation and tests.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The stable identifier, `rights::resolve::unknown_name`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( Code::$variant => $id, )*
                    Code::Lint(code) => code,
                }
            }

            /// One line on what the code means (for docs and listings).
            pub fn summary(self) -> &'static str {
                match self {
                    $( Code::$variant => $summary, )*
                    Code::Lint(_) => "a lint rule's finding (see `rights lint --explain CODE`)",
                }
            }
        }
    };
}

codes! {
    // reading
    Io = "rights::io::read", "a file or directory could not be read";
    InvalidUtf8 = "rights::io::invalid_utf8", "a file is not valid UTF-8";
    // syntax
    Syntax = "rights::syntax::unexpected", "the text does not follow the grammar";
    TooDeep = "rights::syntax::too_deep", "parentheses are nested deeper than the limit";
    TooLarge = "rights::syntax::too_large", "an input is larger than the limit";
    // resolution and checks
    Duplicate = "rights::resolve::duplicate", "a name or data id is declared twice";
    UnknownName = "rights::resolve::unknown_name", "a name refers to nothing declared";
    RoleCycle = "rights::resolve::role_cycle", "role inheritance forms a cycle";
    GroupCycle = "rights::resolve::group_cycle", "groups nested with `in` form a cycle";
    ActionCycle = "rights::resolve::action_cycle", "actions or access rules depend on themselves";
    TooComplex = "rights::resolve::too_complex",
        "an action or access rule depends on too long a chain, or expands too far";
    AccessOutOfScope = "rights::resolve::access_out_of_scope",
        "`access` is used where no resource is in scope";
    NotAllowedHere = "rights::resolve::not_allowed_here",
        "a condition uses something its context does not allow";
    EmptyPattern = "rights::resolve::empty_pattern", "a right pattern matches no declared right";
    NameClash = "rights::resolve::name_clash", "an action and a right share a name";
    ReportShape = "rights::resolve::report_shape", "a report lacks a clause or repeats one";
    BadDate = "rights::resolve::bad_date",
        "a date that does not exist, or a window that ends before it begins";
    // data
    InvalidJson = "rights::data::invalid_json",
        "a JSON data file is not valid JSON of the expected shape";
    BadData = "rights::data::bad_entry", "a data entry is invalid";
    // queries
    QueryShape = "rights::query::shape", "a query does not fit what it names";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
