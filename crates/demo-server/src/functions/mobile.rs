//! `tool_mobile_get_config`: the site settings the Moodle App reads after signing in.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Ctx, SITE_NAME, Warning};
use crate::error::{Error, Result};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Params {
    /// `PARAM_ALPHANUMEXT`; empty for every section.
    #[serde(default)]
    section: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct Config {
    settings: Vec<Setting>,
    warnings: Vec<Warning>,
}

/// `value` is `PARAM_RAW`: Moodle passes config strings through as strings and computed
/// numbers as numbers, so both appear.
#[derive(Debug, Serialize)]
struct Setting {
    name: &'static str,
    value: Value,
}

pub(crate) fn get_config(ctx: &Ctx, params: Params) -> Result<Config> {
    let section = params.section;
    if !section
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(Error::invalid_parameter(format!(
            "section => Invalid parameter value detected: Invalid external api parameter: \
             the value is \"{section}\", the server was expecting \"alphanumext\" type"
        )));
    }
    // `themesettingsadvanced` answers what `themesettings` does; an unknown section, nothing.
    let section = match section.as_str() {
        "themesettingsadvanced" => "themesettings".to_owned(),
        _ => section,
    };
    let settings = SECTIONS
        .iter()
        .filter(|(name, _)| section.is_empty() || section == *name)
        .flat_map(|(_, settings)| settings(&ctx.wwwroot))
        .collect();
    Ok(Config {
        settings,
        warnings: Vec::new(),
    })
}

type Section = fn(&str) -> Vec<Setting>;

/// `tool_mobile\api::get_config`'s sections, in its order, as Moodle 4.5 answers them to a
/// learner (no admin-only keys). Values are the settings' defaults except the site's own
/// (names, support contact, time zone, and an empty user menu: the demo has none of the
/// pages its default items link to). `h5psettings` adds a key only when H5P custom CSS is
/// set, which it is not here.
const SECTIONS: &[(&str, Section)] = &[
    ("frontpagesettings", frontpage),
    ("sitepolicies", |_| {
        settings(&[
            ("sitepolicy", s("")),
            ("sitepolicyhandler", s("")),
            ("disableuserimages", s("0")),
        ])
    }),
    ("gradessettings", |wwwroot| {
        settings(&[(
            "mygradesurl",
            s(&format!("{wwwroot}/grade/report/overview/index.php")),
        )])
    }),
    ("mobileapp", mobile_app),
    ("calendar", |_| {
        settings(&[
            ("calendartype", s("gregorian")),
            ("calendar_site_timeformat", s("0")),
            ("calendar_startwday", s("0")),
            ("calendar_adminseesall", s("0")),
            ("calendar_lookahead", s("21")),
            ("calendar_maxevents", s("10")),
        ])
    }),
    ("coursecolors", |_| {
        let colours = [
            "#81ecec", "#74b9ff", "#a29bfe", "#dfe6e9", "#00b894", "#0984e3", "#b2bec3", "#fdcb6e",
            "#fd79a8", "#6c5ce7",
        ];
        const NAMES: [&str; 10] = [
            "core_admin_coursecolor1",
            "core_admin_coursecolor2",
            "core_admin_coursecolor3",
            "core_admin_coursecolor4",
            "core_admin_coursecolor5",
            "core_admin_coursecolor6",
            "core_admin_coursecolor7",
            "core_admin_coursecolor8",
            "core_admin_coursecolor9",
            "core_admin_coursecolor10",
        ];
        NAMES
            .iter()
            .zip(colours)
            .map(|(&name, colour)| Setting {
                name,
                value: s(colour),
            })
            .collect()
    }),
    ("supportcontact", |_| {
        settings(&[
            ("supportavailability", s("1")),
            ("supportname", s("ICRweb事務局（デモ）")),
            ("supportemail", s("support@demo.juko.invalid")),
            ("supportpage", s("")),
        ])
    }),
    ("graceperiodsettings", |_| {
        settings(&[
            ("coursegraceperiodafter", s("0")),
            ("coursegraceperiodbefore", s("0")),
        ])
    }),
    ("navigation", |_| settings(&[("enabledashboard", s("1"))])),
    ("themesettings", |_| {
        settings(&[("customusermenuitems", s(""))])
    }),
    ("locationsettings", |_| {
        settings(&[("timezone", s("Asia/Tokyo")), ("forcetimezone", s("99"))])
    }),
    ("manageglobalsearch", |_| {
        settings(&[
            ("searchengine", s("simpledb")),
            ("searchenablecategories", s("0")),
            ("searchdefaultcategory", s("core-all")),
            ("searchhideallcategory", s("0")),
            ("searchmaxtopresults", s("3")),
            ("searchbannerenable", s("0")),
            ("searchbanner", s("")),
        ])
    }),
    ("privacysettings", |_| {
        settings(&[
            ("tool_dataprivacy_contactdataprotectionofficer", s("0")),
            ("tool_dataprivacy_showdataretentionsummary", s("1")),
        ])
    }),
    ("blog", |_| {
        settings(&[
            ("useblogassociations", s("1")),
            // BLOG_SITE_LEVEL, the default; blogs are off through `enableblogs` instead.
            ("bloglevel", s("4")),
            ("blogusecomments", s("1")),
        ])
    }),
];

fn frontpage(_wwwroot: &str) -> Vec<Setting> {
    settings(&[
        ("fullname", s(SITE_NAME)),
        ("shortname", s("juko-demo")),
        // An empty summary keeps the site course's stored format (0), as text like every
        // value read from the database; `numsections` is computed, so a number.
        ("summary", s("")),
        ("summaryformat", s("0")),
        ("frontpage", s("6")),
        // Site news first for signed-in users (FRONTPAGENEWS = 0), as the Moodle App's site
        // home reads it to show the site's news forum.
        ("frontpageloggedin", s("0,6")),
        ("maxcategorydepth", s("2")),
        ("frontpagecourselimit", s("200")),
        ("numsections", Value::from(1)),
        ("newsitems", s("3")),
        ("commentsperpage", s("15")),
    ])
}

fn mobile_app(_wwwroot: &str) -> Vec<Setting> {
    settings(&[
        ("tool_mobile_forcelogout", s("0")),
        ("tool_mobile_customlangstrings", s("")),
        ("tool_mobile_disabledfeatures", s("")),
        ("tool_mobile_filetypeexclusionlist", s("")),
        ("tool_mobile_custommenuitems", s("")),
        ("tool_mobile_apppolicy", s("")),
        ("tool_mobile_autologinmintimebetweenreq", s("360")),
        ("tool_mobile_autologout", s("0")),
        ("tool_mobile_autologouttime", s("86400")),
    ])
}

fn s(text: &str) -> Value {
    Value::from(text)
}

fn settings(pairs: &[(&'static str, Value)]) -> Vec<Setting> {
    pairs
        .iter()
        .map(|(name, value)| Setting {
            name,
            value: value.clone(),
        })
        .collect()
}
