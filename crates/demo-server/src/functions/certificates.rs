//! `tool_mobile_get_content`: the Moodle App's site-plugin call, here for `mod_customcert`'s
//! `mobile_view_activity`, the only content this site's plugins offer. The page is the
//! plugin's template as Mustache renders it for a learner (no groups, no report, no required
//! time): `mobile_view_activity_page_latest` for an App that says `appversioncode >= 44000`,
//! `_ionic5` otherwise (they differ only in the description element). The issue's
//! `timecreated` is printed as `{{ <secs> * 1000 | coreFormatDate }}`, and the PDF's address is
//! in the `[core-download-file]` button (`moodle_url::out(true)`, so `&` is `&amp;`).

use serde::{Deserialize, Serialize};

use super::Ctx;
use crate::certificates::{self, ActivityView};
use crate::error::{Error, Result};
use crate::html::escape_html;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    component: String,
    method: String,
    #[serde(default)]
    args: Vec<Arg>,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct Arg {
    name: String,
    value: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct Content {
    templates: Vec<Template>,
    javascript: String,
    otherdata: Vec<Arg>,
    files: Vec<serde_json::Value>,
    /// An empty `external_single_structure` goes out as PHP's empty array.
    restrict: Vec<serde_json::Value>,
    disabled: bool,
}

#[derive(Debug, Serialize)]
struct Template {
    id: &'static str,
    html: String,
}

pub(crate) async fn get_content(ctx: &Ctx, params: Params) -> Result<Content> {
    if params.component != "mod_customcert" || params.method != "mobile_view_activity" {
        // `method_exists` fails for any other class or method: a coding_exception.
        return Err(Error::NoLangString {
            exception: "coding_exception",
            errorcode: "codingerror",
        });
    }
    let arg = |name: &str| params.args.iter().find(|a| a.name == name);
    // `$args->cmid` as PHP reads it: a missing or non-numeric id finds no module.
    let cmid = arg("cmid")
        .and_then(|a| a.value.trim().parse::<i64>().ok())
        .ok_or_else(|| Error::missing_record("course_modules"))?;
    // `$args->appversioncode >= 44000 ? 'latest' : 'ionic5'` (missing compares as 0).
    let latest = arg("appversioncode")
        .and_then(|a| a.value.trim().parse::<i64>().ok())
        .is_some_and(|code| code >= LATEST_APP_VERSION);
    let user = ctx.user.clone();
    let view = ctx
        .state
        .db()
        .call(move |conn| certificates::view_activity(conn, &user, cmid))
        .await?;
    let now = ctx.state.clock().now();
    Ok(Content {
        templates: vec![Template {
            id: "main",
            html: page(&ctx.wwwroot, ctx.user.id, &view, now, latest),
        }],
        javascript: String::new(),
        // The plugin's `['group' => $groupid]`, as the function's name/value list.
        otherdata: vec![Arg {
            name: "group".to_owned(),
            value: "0".to_owned(),
        }],
        files: Vec::new(),
        restrict: Vec::new(),
        disabled: false,
    })
}

/// The first Moodle App version (4.4) the plugin gives its `latest` template.
const LATEST_APP_VERSION: i64 = 44000;

/// The learner's part of the template: the date received (or "not issued"), and the download
/// button whose first press issues the certificate.
fn page(wwwroot: &str, userid: i64, view: &ActivityView, now: i64, latest: bool) -> String {
    let certificate = &view.certificate;
    let cmid = certificate.cmid;
    let course = certificate.courseid;
    let description = if latest {
        format!(
            "<core-course-module-info [module]=\"module\" description=\"\" component=\"mod_customcert\" \
             componentId=\"{cmid}\"\n    [courseId]=\"courseId\"></core-course-module-info>\n"
        )
    } else {
        format!(
            "<core-course-module-description description=\"\" component=\"mod_customcert\" \
             componentId=\"{cmid}\"></core-course-module-description>\n"
        )
    };
    // The newest issue (`timecreated DESC`, first record).
    let received = match view.issues.iter().map(|i| i.timecreated).max() {
        Some(at) => format!("{{{{ {at} * 1000 | coreFormatDate }}}}"),
        None => "{{ 'plugin.mod_customcert.notissued' | translate }}".to_owned(),
    };
    let fileurl = escape_html(&format!(
        "{wwwroot}/mod/customcert/mobile/pluginfile.php?certificateid={}&userid={userid}",
        certificate.id
    ));
    format!(
        "{description}<ion-list>\n\
         \x20       <ion-item>\n\
         \x20           <ion-label>\n\
         \x20               {{{{ 'plugin.mod_customcert.receiveddate' | translate }}}}\n\
         \x20               <br />\n\
         \x20               <div class=\"timerewarded\">\n\
         \x20                       {received}\n\
         \x20               </div>\n\
         \x20           </ion-label>\n\
         \x20           <div slot=\"end\" class=\"flex-row\">\n\
         \x20               <ion-button fill=\"clear\" [core-download-file]=\"{{fileurl: '{fileurl}', \
         timemodified: '{now}'}}\" moduleId=\"{cmid}\" courseId=\"{course}\" component=\"mod_customcert\" \
         [attr.aria-label]=\"'core.download' | translate\">\n\
         \x20                   <ion-icon name=\"cloud-download\" slot=\"icon-only\" aria-hidden=\"true\"></ion-icon>\n\
         \x20               </ion-button>\n\
         \x20           </div>\n\
         \x20       </ion-item>\n\
         </ion-list>\n"
    )
}
