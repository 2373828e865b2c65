//! `tool_mobile_get_content`: the Moodle App's site-plugin call, here for `mod_customcert`'s
//! `mobile_view_activity`, the only content this site's plugins offer. The page is the
//! plugin's template as Mustache renders it for a learner (no groups, no report): the issue's
//! `timecreated` inside `coreToLocaleString`, and the PDF's address in the download button's
//! `[files]` (`moodle_url::out(true)`, so `&` is `&amp;`).

use serde::{Deserialize, Serialize};

use super::Ctx;
use crate::availability::escape_html;
use crate::certificates::{self, ActivityView};
use crate::error::{Error, Result};

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
    let cmid = params
        .args
        .iter()
        .find(|a| a.name == "cmid")
        .and_then(|a| a.value.parse::<i64>().ok())
        .ok_or_else(|| Error::missing_record("course_modules"))?;
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
            html: page(&ctx.wwwroot, ctx.user.id, &view, now),
        }],
        javascript: String::new(),
        otherdata: Vec::new(),
        files: Vec::new(),
        restrict: Vec::new(),
        disabled: false,
    })
}

fn page(wwwroot: &str, userid: i64, view: &ActivityView, now: i64) -> String {
    let certificate = &view.certificate;
    let mut html = format!(
        "<div>\n    <core-course-module-description description=\"\" component=\"mod_customcert\" \
         componentId=\"{}\"></core-course-module-description>\n",
        certificate.cmid
    );
    if !view.issues.is_empty() {
        html.push_str(
            "    <ion-list>\n        <ion-list-header class=\"text-center\">\n            \
             <p class=\"item-heading\">{{ 'plugin.mod_customcert.summaryofissue' | translate }}</p>\n        \
             </ion-list-header>\n",
        );
        for issue in &view.issues {
            html.push_str(&format!(
                "        <ion-item class=\"text-center\">\n            {{{{ {} | coreToLocaleString }}}}\n        </ion-item>\n",
                issue.timecreated
            ));
        }
        html.push_str("    </ion-list>\n");
    }
    let fileurl = escape_html(&format!(
        "{wwwroot}/mod/customcert/mobile/pluginfile.php?certificateid={}&userid={userid}",
        certificate.id
    ));
    html.push_str(&format!(
        "    <ion-item>\n        <button ion-button block core-course-download-module-main-file \
         moduleId=\"{cmid}\" courseId=\"{course}\" component=\"mod_customcert\" \
         [files]=\"[{{fileurl: '{fileurl}', timemodified: '{now}'}}]\">\n            \
         <ion-icon name=\"download\" item-start></ion-icon>\n            \
         {{{{ 'plugin.mod_customcert.getcustomcert' | translate }}}}\n        </button>\n    </ion-item>\n</div>\n",
        cmid = certificate.cmid,
        course = certificate.courseid,
    ));
    html
}
