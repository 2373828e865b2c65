//! Tests of the whole server through its router (`tower::ServiceExt::oneshot`), and one over a
//! real listener. Each test gets its own in-memory site; all share one generated clip.

mod catalog;
mod completion;
mod contents;
mod courses;
mod files;
mod hostile;
mod live;
mod lockout;
mod login;
mod mobile_app;
mod modes;
mod progress;
mod quiz;
mod rest;
mod shape;
mod support;
mod web;
