//! `core_webservice_get_site_info`: who the token belongs to and what the site offers.

use serde::{Deserialize, Serialize};

use super::{Ctx, RELEASE, SITE_NAME, VERSION, functions};
use crate::db::{self, SITE_COURSE_ID};
use crate::error::Result;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// Deprecated in Moodle and ignored.
    #[serde(default, rename = "serviceshortnames")]
    _serviceshortnames: Vec<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct SiteInfo {
    sitename: &'static str,
    username: String,
    firstname: String,
    lastname: String,
    fullname: String,
    lang: String,
    userid: i64,
    siteurl: String,
    userpictureurl: String,
    functions: Vec<Function>,
    downloadfiles: i64,
    uploadfiles: i64,
    release: &'static str,
    version: &'static str,
    mobilecssurl: &'static str,
    advancedfeatures: Vec<Feature>,
    usercanmanageownfiles: bool,
    userquota: i64,
    usermaxuploadfilesize: i64,
    userhomepage: i64,
    userprivateaccesskey: String,
    siteid: i64,
    sitecalendartype: &'static str,
    usercalendartype: &'static str,
    userissiteadmin: bool,
    theme: &'static str,
    limitconcurrentlogins: i64,
    policyagreed: i64,
}

#[derive(Debug, Serialize)]
struct Function {
    name: &'static str,
    version: &'static str,
}

#[derive(Debug, Serialize)]
struct Feature {
    name: &'static str,
    value: i64,
}

/// The features Moodle 4.5 reports, in its order (each is set on every site, so all appear),
/// then `mnet_dispatcher_mode` (1 when strict) and `enablecompetencies`. Values are this
/// site's: completion on; comments, tags, notes, messaging, blogs, badges, custom reports,
/// global search and competencies off.
const ADVANCED_FEATURES: [(&str, i64); 12] = [
    ("usecomments", 0),
    ("usetags", 0),
    ("enablenotes", 0),
    ("messaging", 0),
    ("enableblogs", 0),
    ("enablecompletion", 1),
    ("enablebadges", 0),
    ("messagingallusers", 0),
    ("enablecustomreports", 0),
    ("enableglobalsearch", 0),
    ("mnet_dispatcher_mode", 0),
    ("enablecompetencies", 0),
];

pub(crate) async fn get_site_info(ctx: &Ctx, _params: Params) -> Result<SiteInfo> {
    let userid = ctx.user.id;
    let userprivateaccesskey = ctx
        .state
        .db()
        .call(move |conn| Ok(db::user_private_key(conn, userid)?))
        .await?;
    let user = &ctx.user;
    let wwwroot = &ctx.wwwroot;
    Ok(SiteInfo {
        sitename: SITE_NAME,
        username: user.username.clone(),
        firstname: user.firstname.clone(),
        lastname: user.lastname.clone(),
        fullname: user.fullname(),
        lang: user.lang.clone(),
        userid: user.id,
        siteurl: wwwroot.clone(),
        userpictureurl: format!("{wwwroot}/theme/image.php/boost/core/1/u/f1"),
        functions: functions(ctx.state.progress().extension)
            .into_iter()
            .map(|name| Function {
                name,
                version: VERSION,
            })
            .collect(),
        // The official mobile service allows downloads (webservice/pluginfile.php), not uploads.
        downloadfiles: 1,
        uploadfiles: 0,
        release: RELEASE,
        version: VERSION,
        mobilecssurl: "",
        advancedfeatures: ADVANCED_FEATURES
            .iter()
            .map(|&(name, value)| Feature { name, value })
            .collect(),
        usercanmanageownfiles: false,
        userquota: 0,
        usermaxuploadfilesize: 0,
        // 3 = "My courses", Moodle 4.x's default home page.
        userhomepage: 3,
        userprivateaccesskey,
        siteid: SITE_COURSE_ID,
        sitecalendartype: "gregorian",
        usercalendartype: "gregorian",
        userissiteadmin: false,
        theme: "boost",
        limitconcurrentlogins: 0,
        policyagreed: 1,
    })
}
