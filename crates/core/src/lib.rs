//! Juko core (stub being written).
