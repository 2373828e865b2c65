//! End to end: the app's engine (`juko-core`, through `juko-moodle`'s HTTP client) against the
//! real demo server over HTTP on 127.0.0.1, as the app uses them.

mod util;

mod browse;
mod certificates;
mod downloads;
mod fault_proxy;
mod history;
mod join;
mod news;
mod quiz;
mod sign_in;
