//! Comparison (later).
