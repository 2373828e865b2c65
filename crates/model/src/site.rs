//! The site a learner signs in to, and who they are there.

use crate::{CourseId, UserId};
use serde::{Deserialize, Serialize};

/// The signed-in learner.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub full_name: String,
    /// The learner's facility user id (施設ユーザーID), when the site keeps one for them.
    #[serde(default)]
    pub facility_user_id: Option<String>,
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
    /// What the site offers beyond browsing, as `juko-moodle` read it from the site.
    #[serde(default)]
    pub features: SiteFeatures,
    /// Moodle's version number, e.g. `2024100700`, when the site tells it.
    pub version: Option<String>,
    /// False when the site refuses file downloads to the app (then no lecture can stream).
    pub can_download_files: bool,
    /// The site's own course (its front page), where the site's news is posted.
    #[serde(default = "front_page")]
    pub site_course: CourseId,
}

/// Moodle's front page course when a site does not say (as the Moodle App assumes).
fn front_page() -> CourseId {
    CourseId(1)
}

/// Optional capabilities of a site, each decided by the protocol crate from what the site lists.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteFeatures {
    /// The site keeps viewing history (Juko's progress extension). Without it, history stays on
    /// the device and the site learns of views and manual completion the stock way.
    pub history_sync: bool,
    /// The site lists notifications through its popup processor (else as messages). Assumed
    /// of a site described before this was read.
    #[serde(default = "yes")]
    pub popup_notifications: bool,
}

fn yes() -> bool {
    true
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
