//! `lib/ajax/service.php` and `lib/ajax/service-nologin.php`: the JSON-array endpoint the
//! Moodle App uses, before login, for `tool_mobile_get_public_config`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::RawQuery;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::Error;
use crate::form::Form;
use crate::functions;
use crate::state::SiteUrl;

/// One call of the array; `index` is ignored (responses keep the request order).
#[derive(Debug, Deserialize)]
struct Call {
    methodname: String,
    #[serde(default)]
    args: Value,
}

/// `POST` with a JSON array body, or `GET …?args=<JSON array>` (the App's fallback).
pub(crate) async fn service_php(
    SiteUrl(wwwroot): SiteUrl,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Json<Value> {
    let json_text = if body.is_empty() {
        Form::from_request(query.as_deref(), b"")
            .get("args")
            .unwrap_or("")
            .to_owned()
    } else {
        String::from_utf8_lossy(&body).into_owned()
    };
    let calls: Vec<Call> = match serde_json::from_str(&json_text) {
        Ok(calls) => calls,
        Err(err) => {
            let error = Error::invalid_parameter(format!("Invalid JSON request: {err}"));
            return Json(json!([{"error": true, "exception": error.ajax_call_exception()}]));
        }
    };
    let responses: Vec<Value> = calls.iter().map(|call| respond(call, &wwwroot)).collect();
    Json(Value::Array(responses))
}

fn respond(call: &Call, wwwroot: &str) -> Value {
    match call.methodname.as_str() {
        "tool_mobile_get_public_config" if is_empty_args(&call.args) => {
            json!({"error": false, "data": public_config(wwwroot)})
        }
        "tool_mobile_get_public_config" => {
            let error = Error::invalid_parameter("Unexpected keys detected in parameter array.");
            json!({"error": true, "exception": error.ajax_call_exception()})
        }
        name => {
            // Web-service functions need a logged-in browser session here; anything else is
            // not a function of this site.
            let error = if functions::is_known(name) {
                Error::ServiceRequiresLogin
            } else {
                functions::unknown_function(name)
            };
            json!({"error": true, "exception": error.ajax_call_exception()})
        }
    }
}

fn is_empty_args(args: &Value) -> bool {
    match args {
        Value::Null => true,
        Value::Object(map) => map.is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// What a Moodle 4.5 site with the mobile service on and password login in the app reports.
pub(crate) fn public_config(wwwroot: &str) -> Value {
    json!({
        "wwwroot": wwwroot,
        "httpswwwroot": wwwroot,
        "sitename": functions::SITE_NAME,
        "guestlogin": 0,
        "rememberusername": 2,
        "authloginviaemail": 0,
        "registerauth": "",
        "forgottenpasswordurl": "",
        "authinstructions": "<p>デモ用アカウントでログインしてください（サーバー起動時に表示されます）。</p>",
        "authnoneenabled": 0,
        "enablewebservices": 1,
        "enablemobilewebservice": 1,
        "maintenanceenabled": 0,
        "maintenancemessage": "",
        "typeoflogin": 1,
        "launchurl": format!("{wwwroot}/admin/tool/mobile/launch.php"),
        "mobilecssurl": "",
        "tool_mobile_disabledfeatures": "",
        "country": "JP",
        "agedigitalconsentverification": false,
        "supportname": "ICRweb事務局（デモ）",
        "supportemail": "support@demo.juko.invalid",
        "supportpage": "",
        "supportavailability": 1,
        "autolang": 1,
        "lang": "ja",
        "langmenu": 1,
        "langlist": "ja,en",
        "locale": "ja_JP.UTF-8",
        "tool_mobile_minimumversion": "",
        "tool_mobile_iosappid": "633359593",
        "tool_mobile_androidappid": "com.moodle.moodlemobile",
        "tool_mobile_setuplink": "https://download.moodle.org/mobile",
        "tool_mobile_qrcodetype": 0,
        "showloginform": 1,
        "warnings": []
    })
}
