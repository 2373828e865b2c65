//! [`Session`]'s お知らせ calls (§7): the announcement boards, their announcements, the view
//! log, and the site's notifications. Requests and readings are [`crate::news`]'s.

use super::Session;
use crate::news as calls;
use crate::{Result, decode};
use juko_model::{
    Announcement, AnnouncementId, Board, BoardId, CourseId, Notification, NotificationId, UserId,
};

impl Session {
    /// The news forums of `courses` (include the site's front page course for the site's
    /// news), each with the board it is for (`site_course` being the site's).
    pub async fn news_boards(
        &self,
        site_course: CourseId,
        courses: &[CourseId],
    ) -> Result<Vec<(BoardId, Board)>> {
        let (function, params) = calls::forums_by_courses(courses);
        let body = self.post(function, &params).await?;
        decode::news_boards(site_course, &body).map_err(|e| self.scrub(e))
    }

    /// The newest announcements of one news forum (at most [`crate::ANNOUNCEMENTS_PER_BOARD`]).
    pub async fn announcements(
        &self,
        board_id: BoardId,
        board: Board,
    ) -> Result<Vec<Announcement>> {
        let (function, params) = calls::forum_discussions(board_id);
        let body = self.post(function, &params).await?;
        decode::announcements(board_id, board, &body).map_err(|e| self.scrub(e))
    }

    /// Logs that the learner read an announcement (and marks it read where the site tracks
    /// the forum).
    pub async fn view_announcement(&self, announcement: AnnouncementId) -> Result<()> {
        self.status(calls::view_discussion(announcement)).await
    }

    /// The learner's newest notifications: the popup list, or the messages list on a site
    /// without the popup processor (`popups` false).
    pub async fn notifications(&self, user: UserId, popups: bool) -> Result<Vec<Notification>> {
        if popups {
            let (function, params) = calls::popup_notifications(user);
            let body = self.post(function, &params).await?;
            decode::popup_notifications(&body).map_err(|e| self.scrub(e))
        } else {
            let (function, params) = calls::messages(user);
            let body = self.post(function, &params).await?;
            decode::message_notifications(&body).map_err(|e| self.scrub(e))
        }
    }

    /// Marks a notification read on the site, as read at `at_secs`.
    pub async fn mark_notification_read(&self, id: NotificationId, at_secs: i64) -> Result<()> {
        let (function, params) = calls::mark_notification_read(id, at_secs);
        let body = self.post(function, &params).await?;
        decode::rest::<serde_json::Value>(function, &body)
            .map(drop)
            .map_err(|e| self.scrub(e))
    }
}
