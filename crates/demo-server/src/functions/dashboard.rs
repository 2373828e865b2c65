//! `core_block_get_dashboard_blocks`: the blocks of the learner's Dashboard or My courses
//! page. The demo's pages hold one block, the course overview (`myoverview`).

use serde::{Deserialize, Serialize};

use super::{Ctx, Warning};
use crate::error::{Error, Result};
use crate::rest::params::MoodleBool;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// 0: the caller.
    #[serde(default)]
    userid: i64,
    #[serde(default = "MoodleBool::no")]
    returncontents: MoodleBool,
    /// `PARAM_TEXT`: `__default` (Dashboard, `MY_PAGE_DEFAULT`) or `__courses` (My courses,
    /// `MY_PAGE_COURSES`).
    #[serde(default = "default_page")]
    mypage: String,
}

fn default_page() -> String {
    "__default".to_owned()
}

#[derive(Debug, Serialize)]
pub(crate) struct Blocks {
    blocks: Vec<Block>,
    warnings: Vec<Warning>,
}

#[derive(Debug, Serialize)]
struct Block {
    instanceid: i64,
    name: &'static str,
    region: &'static str,
    positionid: Option<i64>,
    collapsible: bool,
    dockable: bool,
    weight: i64,
    visible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    contents: Option<Contents>,
    configs: Vec<Config>,
}

#[derive(Debug, Serialize)]
struct Contents {
    title: &'static str,
    content: String,
    contentformat: i64,
    footer: &'static str,
    files: Vec<serde_json::Value>,
}

#[derive(Debug, Serialize)]
struct Config {
    name: &'static str,
    /// JSON-encoded, as Moodle sends every config value.
    value: String,
    #[serde(rename = "type")]
    kind: &'static str,
}

/// The block instance ids of the two pages (as a site's `block_instances` would number them).
const DASHBOARD_OVERVIEW: i64 = 21;
const MY_COURSES_OVERVIEW: i64 = 22;

pub(crate) fn get_dashboard_blocks(ctx: &Ctx, params: Params) -> Result<Blocks> {
    if params.userid != 0 && params.userid != ctx.user.id {
        // Another user's dashboard needs moodle/site:config.
        return Err(Error::NoPermissions {
            capability: "Change site configuration",
        });
    }
    let instanceid = match params.mypage.as_str() {
        "__default" => DASHBOARD_OVERVIEW,
        "__courses" => MY_COURSES_OVERVIEW,
        // Any other name finds no page: `mymoodlesetup`, a code without a language string.
        _ => {
            return Err(Error::NoLangString {
                exception: "moodle_exception",
                errorcode: "mymoodlesetup",
            });
        }
    };
    let lang_ja = ctx.user.lang == "ja";
    let block = Block {
        instanceid,
        name: "myoverview",
        region: "content",
        // No `block_positions` row: the block sits where it was added.
        positionid: None,
        // Block hiding is allowed (`allowuserblockhiding`) and the block has content, so it
        // is collapsible; no block is dockable since Moodle 4.0.
        collapsible: true,
        dockable: false,
        weight: 0,
        visible: true,
        contents: params.returncontents.0.then(|| Contents {
            title: if lang_ja { "コース概要" } else { "Course overview" },
            // The web page's block is filled by JavaScript; the App draws its own.
            content: format!(
                r#"<div id="block-myoverview-{instanceid}" class="block-myoverview block-cards" data-region="myoverview" role="navigation"></div>"#
            ),
            contentformat: 1,
            footer: "",
            files: Vec::new(),
        }),
        configs: OVERVIEW_CONFIG
            .iter()
            .map(|&(name, value)| Config {
                name,
                value: serde_json::Value::from(value).to_string(),
                kind: "plugin",
            })
            .collect(),
    };
    Ok(Blocks {
        blocks: vec![block],
        warnings: Vec::new(),
    })
}

/// `block_myoverview::get_config_for_external()`: no instance settings, and every plugin
/// setting (`get_config('block_myoverview')`) at its default, in the order a fresh install
/// stores them: the version first, then `settings.php`'s order. With
/// `displaygroupingcustomfield` off there is no `customfieldsexport`.
const OVERVIEW_CONFIG: &[(&str, &str)] = &[
    ("version", "2024100700"),
    ("displaycategories", "1"),
    ("layouts", "card,list,summary"),
    ("displaygroupingallincludinghidden", "0"),
    ("displaygroupingall", "1"),
    ("displaygroupinginprogress", "1"),
    ("displaygroupingpast", "1"),
    ("displaygroupingfuture", "1"),
    ("displaygroupingcustomfield", "0"),
    ("customfiltergrouping", ""),
    ("displaygroupingfavourites", "1"),
    ("displaygroupinghidden", "1"),
];
