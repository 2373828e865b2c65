//! Long-running work of the app, each a task that outlives the screen that started it: syncing
//! viewing history with the site, and recording what the player plays.

pub mod downloads;
pub mod recording;
pub mod sync;
