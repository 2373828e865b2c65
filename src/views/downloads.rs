//! The storage screen (`/downloads`): the lectures kept on this device by course, with the space
//! each course takes, deleting a lecture, a course or everything, the device's free space where
//! the platform tells it (the download settings are in 設定).

use crate::components::confirm::ConfirmDialog;
use crate::components::download::{figures, shown_state, state_msg};
use crate::format;
use crate::i18n::Msg;
use crate::platform;
use crate::route::Route;
use crate::services::downloads::Downloads as DownloadService;
use crate::state::{self, History};
use dioxus::prelude::*;
use juko_core::catalog::Item;
use juko_core::downloads::{self, Download};
use juko_model::CourseId;

#[component]
pub fn Downloads() -> Element {
    let lang = state::use_lang();
    let dl = use_context::<DownloadService>();
    let history = use_context::<History>();
    let free = use_resource(platform::free_space);
    let list = (dl.list)();
    let names = course_names(history);
    let name_of = move |course: CourseId| {
        names
            .iter()
            .find(|(id, _)| *id == course)
            .map_or_else(|| course.to_string(), |(_, n)| n.clone())
    };
    let mut asking = use_signal(|| None::<Deleting>);
    let usage = downloads::usage(&list);
    let total: u64 = usage.iter().map(|(_, b)| b).sum();
    rsx! {
        div { class: "page downloads-page",
            h1 { class: "page-title", {lang.tr(Msg::Downloads)} }
            p { class: "muted", "data-testid": "downloads-total", {lang.tr(Msg::DownloadsStorage)} " · " {format::bytes(lang, total)} }
            p { class: "muted", "data-testid": "free-space",
                match free.read().as_ref() {
                    Some(Some(bytes)) => rsx! { {lang.tr(Msg::FreeSpace)} " · " {format::bytes(lang, *bytes)} },
                    Some(None) => rsx! { {lang.tr(Msg::FreeSpaceUnknown)} },
                    None => rsx! {},
                }
            }
            if let Some(e) = (dl.failure)() {
                p { class: "error-panel", role: "alert", {lang.error(&e)} }
            }
            if list.is_empty() {
                p { class: "empty", "data-testid": "no-downloads", {lang.tr(Msg::NoDownloads)} }
            }
            for (course, bytes) in usage.iter().copied() {
                section { class: "download-course card", key: "{course}", "data-testid": "download-course",
                    h2 { class: "section-title", {name_of(course)} }
                    p { class: "muted", "data-testid": "course-space", {format::bytes(lang, bytes)} }
                    ul { class: "download-list",
                        for d in list.iter().filter(|d| d.course == course).cloned() {
                            DownloadRow { key: "{d.lecture}", download: d }
                        }
                    }
                    button { class: "button secondary", "data-testid": "delete-course-downloads",
                        onclick: move |_| asking.set(Some(Deleting::Course(course))),
                        {lang.tr(Msg::DeleteCourseDownloads)}
                    }
                }
            }
            if !list.is_empty() {
                button { class: "button danger", "data-testid": "delete-all-downloads",
                    onclick: move |_| asking.set(Some(Deleting::All)),
                    {lang.tr(Msg::DeleteAllDownloads)}
                }
            }
            if let Some(what) = asking() {
                ConfirmDialog { lang,
                    action: match what {
                        Deleting::Course(_) => Msg::DeleteCourseDownloads,
                        Deleting::All => Msg::DeleteAllDownloads,
                    },
                    consequence: Msg::DeleteDownloadsConfirm,
                    on_confirm: move |_| {
                        asking.set(None);
                        match what {
                            Deleting::Course(course) => dl.delete_course(course),
                            Deleting::All => dl.delete_all(),
                        }
                    },
                    on_cancel: move |_| asking.set(None),
                }
            }
        }
    }
}

/// A deletion of many lectures, asked about before it is done.
#[derive(Clone, Copy, PartialEq)]
enum Deleting {
    Course(CourseId),
    All,
}

#[component]
fn DownloadRow(download: Download) -> Element {
    let lang = state::use_lang();
    let dl = use_context::<DownloadService>();
    let live = dl.progress(download.lecture);
    let lecture = download.lecture;
    rsx! {
        li { class: "download-row", "data-testid": "download-row", "data-lecture": "{lecture}",
            div { class: "download-row-main",
                Link { to: Route::LectureView { course: download.course, lecture }, "{download.title}" }
                span { class: "muted", {lang.tr(state_msg(&shown_state(&download, live)))} " · " {figures(lang, &download, live)} }
            }
            button { class: "button secondary small", "data-testid": "delete-download",
                onclick: move |_| dl.delete(lecture),
                {lang.tr(Msg::DeleteDownload)}
            }
        }
    }
}

/// The learner's course names from the kept course list (the screen works offline).
fn course_names(history: History) -> Vec<(CourseId, String)> {
    let Some(store) = history.read() else {
        return Vec::new();
    };
    match Item::courses().read(&*store.0) {
        Ok(Some(kept)) => kept
            .value
            .into_iter()
            .map(|c| (c.id, c.full_name))
            .collect(),
        _ => Vec::new(),
    }
}
