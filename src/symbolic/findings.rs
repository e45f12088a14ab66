//! Findings (later).
