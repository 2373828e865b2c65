//! Popup notifications (`message_popup_get_popup_notifications`,
//! `message_popup_get_unread_popup_notification_count`) and marking them read
//! (`core_message_mark_notification_read`, `core_message_mark_all_notifications_as_read`).
//!
//! A learner reads and marks only their own: Moodle lets only users with
//! `moodle/site:readallmessages` (or `deleteanymessage`) touch anyone else's, and no demo
//! account has it.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::Ctx;
use crate::db::{self, NotificationRow};
use crate::error::{Error, Result};
use crate::rest::params::MoodleBool;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PopupParams {
    /// 0: the caller.
    useridto: i64,
    #[serde(default = "MoodleBool::yes")]
    newestfirst: MoodleBool,
    #[serde(default)]
    limit: i64,
    #[serde(default)]
    offset: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CountParams {
    useridto: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MarkParams {
    notificationid: i64,
    /// 0: now.
    #[serde(default)]
    timeread: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MarkAllParams {
    /// 0: to anyone.
    useridto: i64,
    /// 0: from anyone.
    #[serde(default)]
    useridfrom: i64,
    /// 0: whenever created.
    #[serde(default)]
    timecreatedto: i64,
}

#[derive(Debug, Serialize)]
pub(crate) struct PopupNotifications {
    notifications: Vec<PopupNotification>,
    unreadcount: i64,
}

/// `popup_notification::export_for_template`, keys in the declared return order.
#[derive(Debug, Serialize)]
struct PopupNotification {
    id: i64,
    useridfrom: i64,
    useridto: i64,
    subject: String,
    shortenedsubject: String,
    text: String,
    fullmessage: String,
    fullmessageformat: i64,
    fullmessagehtml: String,
    smallmessage: String,
    contexturl: Option<String>,
    contexturlname: Option<String>,
    timecreated: i64,
    timecreatedpretty: String,
    timeread: Option<i64>,
    read: bool,
    deleted: bool,
    iconurl: String,
    component: String,
    eventtype: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    customdata: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Marked {
    notificationid: i64,
    warnings: Vec<super::Warning>,
}

pub(crate) async fn get_popup_notifications(
    ctx: &Ctx,
    params: PopupParams,
) -> Result<PopupNotifications> {
    let userid = ctx.user.id;
    let useridto = if params.useridto == 0 {
        userid
    } else {
        params.useridto
    };
    if useridto != userid {
        return Err(Error::AccessDenied);
    }
    let wwwroot = ctx.wwwroot.clone();
    let now = ctx.state.clock().now();
    ctx.state
        .db()
        .call(move |conn| {
            let rows = db::notifications_to(
                conn,
                useridto,
                params.newestfirst.0,
                params.limit,
                params.offset,
            )?;
            Ok(PopupNotifications {
                notifications: rows
                    .into_iter()
                    .map(|row| popup(&wwwroot, now, row))
                    .collect(),
                unreadcount: db::unread_notification_count(conn, useridto)?,
            })
        })
        .await
}

pub(crate) async fn get_unread_popup_notification_count(
    ctx: &Ctx,
    params: CountParams,
) -> Result<i64> {
    let userid = ctx.user.id;
    ctx.state
        .db()
        .call(move |conn| {
            if params.useridto != 0 {
                require_user(conn, params.useridto)?;
            }
            // 0 means "any user", which only a privileged user may count.
            if params.useridto != userid {
                return Err(Error::AccessDenied);
            }
            Ok(db::unread_notification_count(conn, userid)?)
        })
        .await
}

pub(crate) async fn mark_notification_read(ctx: &Ctx, params: MarkParams) -> Result<Marked> {
    let userid = ctx.user.id;
    let timeread = if params.timeread == 0 {
        ctx.state.clock().now()
    } else {
        params.timeread
    };
    ctx.state
        .db()
        .call(move |conn| {
            let notification = db::notification_by_id(conn, params.notificationid)?
                .ok_or_else(|| Error::missing_record("notifications"))?;
            if notification.useridto != userid {
                return Err(Error::invalid_parameter(
                    "Invalid notificationid, you don't have permissions to mark this notification as read",
                ));
            }
            db::mark_notification_read(conn, notification.id, timeread)?;
            Ok(Marked {
                notificationid: notification.id,
                warnings: Vec::new(),
            })
        })
        .await
}

pub(crate) async fn mark_all_notifications_as_read(
    ctx: &Ctx,
    params: MarkAllParams,
) -> Result<bool> {
    let userid = ctx.user.id;
    let now = ctx.state.clock().now();
    ctx.state
        .db()
        .call(move |conn| {
            if params.useridto != 0 {
                require_user(conn, params.useridto)?;
            }
            // The no-reply (-10) and support (-20) users exist on every site.
            if params.useridfrom > 0 && db::user_by_id(conn, params.useridfrom)?.is_none() {
                return Err(Error::missing_record("user"));
            }
            if params.useridto != userid && params.useridfrom != userid {
                return Err(Error::AccessDenied);
            }
            db::mark_all_notifications_read(
                conn,
                params.useridto,
                params.useridfrom,
                params.timecreatedto,
                now,
            )?;
            Ok(true)
        })
        .await
}

/// `core_user::is_real_user` then `core_user::get_user(…, MUST_EXIST)`.
fn require_user(conn: &Connection, userid: i64) -> Result<()> {
    if userid <= 0 {
        return Err(Error::InvalidUser);
    }
    db::user_by_id(conn, userid)?.ok_or_else(|| Error::missing_record("user"))?;
    Ok(())
}

fn popup(wwwroot: &str, now: i64, row: NotificationRow) -> PopupNotification {
    // Popup notifications: the small message in the message's format (plain text here).
    let text = plain_to_html(&row.smallmessage);
    let iconurl = match row.component.strip_prefix("mod_") {
        Some(module) => format!("{wwwroot}/theme/image.php/boost/{module}/1/monologo"),
        None => format!("{wwwroot}/theme/image.php/boost/core/1/i/marker"),
    };
    PopupNotification {
        id: row.id,
        useridfrom: row.useridfrom,
        useridto: row.useridto,
        shortenedsubject: shorten(&row.subject, 125),
        subject: row.subject,
        text,
        fullmessage: row.fullmessage,
        fullmessageformat: row.fullmessageformat,
        fullmessagehtml: row.fullmessagehtml,
        smallmessage: row.smallmessage,
        // Stored as site paths: the site URL is the one this request came in on.
        contexturl: row.contexturl.map(|path| format!("{wwwroot}{path}")),
        contexturlname: row.contexturlname,
        timecreated: row.timecreated,
        timecreatedpretty: ago(now - row.timecreated),
        read: row.timeread.is_some(),
        timeread: row.timeread,
        deleted: false,
        iconurl,
        component: row.component,
        eventtype: row.eventtype,
        customdata: row.customdata,
    }
}

/// `format_text($text, FORMAT_PLAIN)`: escaped, line breaks kept.
fn plain_to_html(text: &str) -> String {
    crate::html::escape_html(text).replace('\n', "<br />\n")
}

/// `shorten_text($text, $ideal)`: at most `ideal` characters, cut with `...`.
fn shorten(text: &str, ideal: usize) -> String {
    if text.chars().count() <= ideal {
        return text.to_owned();
    }
    let kept: String = text.chars().take(ideal.saturating_sub(3)).collect();
    format!("{kept}...")
}

/// `get_string('ago', 'message', format_time($seconds))` in Japanese: the two largest units.
fn ago(seconds: i64) -> String {
    let seconds = seconds.max(0);
    let units = [
        (seconds / (365 * 86_400), "年"),
        (seconds % (365 * 86_400) / 86_400, "日"),
        (seconds % 86_400 / 3600, "時間"),
        (seconds % 3600 / 60, "分"),
        (seconds % 60, "秒"),
    ];
    let Some(first) = units.iter().position(|(n, _)| *n > 0) else {
        return "現在 前".to_owned();
    };
    let shown: Vec<String> = units[first..]
        .iter()
        .take(2)
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n} {unit}"))
        .collect();
    format!("{} 前", shown.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_ago_show_the_two_largest_units() {
        assert_eq!(ago(86_400 + 2 * 3600 + 5), "1 日 2 時間 前");
        assert_eq!(ago(3 * 60 + 4), "3 分 4 秒 前");
        assert_eq!(ago(2 * 86_400), "2 日 前");
        assert_eq!(ago(0), "現在 前");
    }

    #[test]
    fn plain_text_is_escaped_for_html() {
        assert_eq!(
            plain_to_html("<b>a</b> & \"b\"\nc"),
            "&lt;b&gt;a&lt;/b&gt; &amp; &quot;b&quot;<br />\nc"
        );
        assert_eq!(shorten(&"あ".repeat(130), 125).chars().count(), 125);
    }
}
