//! The site a learner signs in to, and who they are there.

use crate::UserId;
use serde::{Deserialize, Serialize};

/// The signed-in learner.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub full_name: String,
}

/// What the site says about itself once a learner is signed in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SiteInfo {
    pub site_name: String,
    /// The site's own canonical URL (`wwwroot`), without a trailing slash.
    pub site_url: String,
    pub user: User,
    /// The learner's language on the site (`ja`, `en`, …).
    pub lang: String,
    /// Web-service functions this session may call: the source of truth for feature detection.
    pub functions: Vec<String>,
    /// Moodle's version number, e.g. `2024100700`, when the site tells it.
    pub version: Option<String>,
    /// False when the site refuses file downloads to the app (then no lecture can stream).
    pub can_download_files: bool,
}

impl SiteInfo {
    /// Whether the site lets this session call `function`.
    pub fn offers(&self, function: &str) -> bool {
        self.functions.iter().any(|f| f == function)
    }
}

/// Whether and how a site lets the app sign in with a password, read before sign-in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoginPolicy {
    pub site_name: String,
    /// The site's own URL (`wwwroot`): a learner may have typed another form of it.
    pub site_url: String,
    pub password_login: bool,
    /// Set when the site is in maintenance: the site's message (HTML).
    pub maintenance_message: Option<String>,
    /// Where to send a learner who forgot their password, when the site says.
    pub forgotten_password_url: Option<String>,
}
