//! Demo server (stub being written).
