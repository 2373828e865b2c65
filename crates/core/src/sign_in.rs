//! Signing in: from what a learner typed to a [`Session`].

use crate::{Error, Result, Session};
use juko_moodle::{Site, SiteUrl};

/// Signs in to the site at `site_address` (as typed: `www.icrweb.jp`, `https://…/moodle`, …).
///
/// Checks, in the order a learner can act on them: the address, that a Moodle site answers
/// there, that it takes password sign-in from apps and is not in maintenance, the password.
pub async fn sign_in(site_address: &str, username: &str, password: &str) -> Result<Session> {
    let url = SiteUrl::parse(site_address).map_err(Error::from)?;
    // The address that really answers (a typed `icrweb.jp` may redirect to `https://www.…`).
    let site = Site::new(url).resolve().await?;
    let policy = site.login_policy().await?;
    if let Some(message) = policy.maintenance_message {
        return Err(Error::Maintenance(message));
    }
    if !policy.password_login {
        return Err(Error::PasswordLoginDisabled);
    }
    let token = site.login(username.trim(), password).await?;
    let remote = site.session(token);
    let mut info = remote.site_info().await?;
    // Signing in never fails for the id: without an answer, there is none to show yet.
    info.user.facility_user_id = crate::session::facility_user_id(&remote, &info)
        .await
        .unwrap_or(None);
    Ok(Session::new(remote, info))
}
