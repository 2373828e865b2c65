//! Moodle Web Services (stub being written).
