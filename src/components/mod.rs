//! Reusable pieces: props in, events out, no data fetching of their own.

pub mod feedback;
pub mod player;
pub mod shell;
