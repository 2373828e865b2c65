//! Tests of the whole server through its router (`tower::ServiceExt::oneshot`), and one over a
//! real listener. Each test gets its own in-memory site; all share one generated clip.

/// A fixture of Moodle's declared return structure, `fixtures/<function>.json` (see `shape`).
macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("fixtures/", $name, ".json"))
    };
}

mod captions;
mod catalog;
mod certificates;
mod completion;
mod contents;
mod courses;
mod enrol;
mod files;
mod forum;
mod hostile;
mod join;
mod live;
mod lockout;
mod login;
mod mobile_app;
mod modes;
mod notifications;
mod progress;
mod quiz;
mod quiz_flow;
mod quiz_review;
mod quiz_security;
mod quiz_taking;
mod quiz_timing;
mod rest;
mod shape;
mod support;
mod web;
