//! Download controls: a lecture's (the lecture page) and a unit's (the course page). Props in,
//! events out; the state comes from the downloads service. Status changes are announced to
//! screen readers (`role=status`, `aria-live=polite`).

use crate::components::feedback::ProgressBar;
use crate::format;
use crate::i18n::{Lang, Msg};
use dioxus::prelude::*;
use juko_core::downloads::{Download, DownloadState, Failure, Progress};

/// What the learner is told about a download's state.
pub fn state_msg(state: &DownloadState) -> Msg {
    match state {
        DownloadState::Queued => Msg::DownloadQueued,
        DownloadState::Downloading => Msg::Downloading,
        DownloadState::Paused => Msg::DownloadPaused,
        DownloadState::Done { .. } => Msg::DownloadDone,
        DownloadState::Stale => Msg::DownloadStale,
        DownloadState::Failed(Failure::Offline) => Msg::DownloadFailedOffline,
        DownloadState::Failed(Failure::SignInAgain) => Msg::DownloadFailedSignIn,
        DownloadState::Failed(Failure::NotAvailable) => Msg::DownloadFailedNotAvailable,
        DownloadState::Failed(Failure::BadAnswer(_)) => Msg::DownloadFailedBadAnswer,
        DownloadState::Failed(Failure::DeviceStorage(_)) => Msg::DownloadFailedStorage,
    }
}

/// The state to show: a queued download whose bytes are arriving is downloading (the store
/// records the runner's start lazily; the live progress is what the learner sees move).
pub fn shown_state(download: &Download, live: Option<Progress>) -> DownloadState {
    match download.state {
        DownloadState::Queued if live.is_some() => DownloadState::Downloading,
        ref state => state.clone(),
    }
}

/// "12.3 / 45.6 MB · 27% · 残り約 1 分" (what is known of it).
pub fn figures(lang: Lang, download: &Download, live: Option<Progress>) -> String {
    let received = live.map_or(download.received, |p| p.received);
    let total = live.and_then(|p| p.total).or(download.size());
    let mut parts = Vec::new();
    match total {
        Some(total) => parts.push(format!(
            "{} / {}",
            format::bytes(lang, received),
            format::bytes(lang, total)
        )),
        None => parts.push(format::bytes(lang, received)),
    }
    if let Some(total) = total.filter(|t| *t > 0) {
        parts.push(format::percent(lang, received, total));
    }
    if let Some(secs) = live.and_then(|p| p.secs_left()) {
        parts.push(lang.time_left(secs));
    }
    parts.join(" · ")
}

fn fraction(download: &Download, live: Option<Progress>) -> f64 {
    let received = live.map_or(download.received, |p| p.received);
    match live.and_then(|p| p.total).or(download.size()) {
        Some(total) if total > 0 => received as f64 / total as f64,
        _ => 0.0,
    }
}

/// A lecture's download: offer, progress with pause/resume/cancel, kept, stale or failed.
#[component]
pub fn DownloadControl(
    lang: Lang,
    download: Option<Download>,
    live: Option<Progress>,
    /// Whether the lecture has a file the app may download.
    can_download: bool,
    /// Why the last request to download it was refused (no space), if it was.
    refused: Option<String>,
    on_download: EventHandler<()>,
    on_pause: EventHandler<()>,
    on_resume: EventHandler<()>,
    on_delete: EventHandler<()>,
) -> Element {
    let refusal = rsx! {
        if let Some(text) = refused {
            p { class: "error-panel", role: "alert", "data-testid": "download-refused", "{text}" }
        }
    };
    let Some(d) = download else {
        if !can_download {
            return rsx! {};
        }
        return rsx! {
            div { class: "download-control", "data-testid": "download-control",
                {refusal}
                button { class: "button secondary", "data-testid": "download",
                    onclick: move |_| on_download.call(()),
                    {lang.tr(Msg::Download)}
                }
            }
        };
    };
    let state = shown_state(&d, live);
    let in_progress = matches!(
        state,
        DownloadState::Queued
            | DownloadState::Downloading
            | DownloadState::Paused
            | DownloadState::Failed(_)
    );
    let shows_bar = in_progress && d.size().is_some();
    let line = figures(lang, &d, live);
    let fraction = fraction(&d, live);
    rsx! {
        div { class: "download-control", "data-testid": "download-control",
            "data-state": "{state_name(&state)}", "data-received": "{live.map_or(d.received, |p| p.received)}",
            p { class: "download-status", role: "status", "aria-live": "polite",
                {lang.tr(state_msg(&state))}
            }
            {refusal}
            if shows_bar {
                ProgressBar { fraction, label: lang.tr(Msg::DownloadProgress) }
                p { class: "muted download-figures", "data-testid": "download-figures", "{line}" }
            }
            div { class: "download-actions",
                match state {
                    DownloadState::Queued | DownloadState::Downloading => rsx! {
                        button { class: "button secondary", "data-testid": "download-pause",
                            onclick: move |_| on_pause.call(()), {lang.tr(Msg::PauseDownload)}
                        }
                        button { class: "button secondary", "data-testid": "download-cancel",
                            onclick: move |_| on_delete.call(()), {lang.tr(Msg::CancelDownload)}
                        }
                    },
                    DownloadState::Paused | DownloadState::Failed(_) => rsx! {
                        button { class: "button secondary", "data-testid": "download-resume",
                            onclick: move |_| on_resume.call(()), {lang.tr(Msg::ResumeDownload)}
                        }
                        button { class: "button secondary", "data-testid": "download-cancel",
                            onclick: move |_| on_delete.call(()), {lang.tr(Msg::CancelDownload)}
                        }
                    },
                    DownloadState::Stale => rsx! {
                        button { class: "button secondary", "data-testid": "download-again",
                            onclick: move |_| on_download.call(()), {lang.tr(Msg::DownloadAgain)}
                        }
                        button { class: "button secondary", "data-testid": "download-delete",
                            onclick: move |_| on_delete.call(()), {lang.tr(Msg::DeleteDownload)}
                        }
                    },
                    DownloadState::Done { .. } => rsx! {
                        span { class: "muted", {format::bytes(lang, d.bytes_on_device())} }
                        button { class: "button secondary", "data-testid": "download-delete",
                            onclick: move |_| on_delete.call(()), {lang.tr(Msg::DeleteDownload)}
                        }
                    },
                }
            }
        }
    }
}

/// A stable name for tests and styles.
pub fn state_name(state: &DownloadState) -> &'static str {
    match state {
        DownloadState::Queued => "queued",
        DownloadState::Downloading => "downloading",
        DownloadState::Paused => "paused",
        DownloadState::Done { .. } => "done",
        DownloadState::Failed(_) => "failed",
        DownloadState::Stale => "stale",
    }
}

/// A unit's downloads: how many of its lectures are kept, those on their way (with the bytes
/// received of them all), and a button for the rest.
#[component]
pub fn UnitDownload(
    lang: Lang,
    downloadable: usize,
    kept: usize,
    /// Lectures queued, downloading, paused or failed: asked for, not kept yet.
    pending: usize,
    /// Of the pending lectures' bytes, the part received (None: sizes unknown).
    fraction: Option<f64>,
    /// Why the last request to download the unit was refused (no space), if it was.
    refused: Option<String>,
    on_download: EventHandler<()>,
) -> Element {
    if downloadable == 0 {
        return rsx! {};
    }
    let rest = downloadable.saturating_sub(kept + pending);
    rsx! {
        div { class: "unit-download", "data-testid": "unit-download", "data-pending": "{pending}",
            if let Some(text) = refused {
                p { class: "error-panel", role: "alert", "data-testid": "download-refused", "{text}" }
            }
            span { class: "muted", role: "status", "aria-live": "polite",
                {lang.downloaded_count(kept, downloadable)}
                if pending > 0 {
                    " · " {lang.downloading_count(pending)}
                }
            }
            if pending > 0 {
                if let Some(fraction) = fraction {
                    ProgressBar { fraction, label: lang.tr(Msg::DownloadProgress) }
                }
            }
            if rest > 0 {
                button { class: "button secondary small", "data-testid": "download-unit",
                    onclick: move |_| on_download.call(()),
                    {lang.tr(if kept + pending > 0 { Msg::DownloadUnitRest } else { Msg::DownloadUnit })}
                }
            }
        }
    }
}

/// What a unit's row shows of the downloads of its lectures: (pending, fraction received).
pub fn unit_pending<'a>(
    downloads: impl Iterator<Item = (&'a Download, Option<Progress>)>,
) -> (usize, Option<f64>) {
    let (mut pending, mut received, mut total, mut sized) = (0, 0u64, 0u64, true);
    for (d, live) in downloads {
        if d.playable() {
            continue;
        }
        pending += 1;
        received += live.map_or(d.received, |p| p.received);
        match live.and_then(|p| p.total).or(d.size()) {
            Some(t) => total += t,
            None => sized = false,
        }
    }
    let fraction = (sized && total > 0).then(|| received.min(total) as f64 / total as f64);
    (pending, fraction)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use juko_model::{CourseId, LectureId, Media};

    /// A download record of a 40 MB lecture (the services' tests build theirs on it).
    pub(crate) fn download(state: DownloadState, received: u64) -> Download {
        Download {
            lecture: LectureId(1),
            course: CourseId(2),
            title: "講義".into(),
            media: Media {
                url: "https://h.jp/media/a.mp4".into(),
                mime_type: "video/mp4".into(),
                size_bytes: 40_000_000,
                external: false,
                modified: 0,
                captions: Vec::new(),
            },
            state,
            received,
            total: None,
            etag: None,
            queued_ms: 0,
        }
    }

    #[test]
    fn a_queued_download_with_bytes_arriving_shows_as_downloading() {
        let d = download(DownloadState::Queued, 0);
        let live = Progress {
            received: 1_000,
            total: Some(40_000_000),
            rate: 1_000.0,
        };
        assert_eq!(shown_state(&d, None), DownloadState::Queued);
        assert_eq!(shown_state(&d, Some(live)), DownloadState::Downloading);
        let paused = download(DownloadState::Paused, 1_000);
        assert_eq!(shown_state(&paused, Some(live)), DownloadState::Paused);
    }

    #[test]
    fn a_unit_counts_what_is_on_its_way_and_how_far() {
        let done = download(DownloadState::Done { at_ms: 1 }, 40_000_000);
        let queued = download(DownloadState::Queued, 0);
        let running = download(DownloadState::Downloading, 10_000_000);
        let live = Progress {
            received: 30_000_000,
            total: Some(40_000_000),
            rate: 1.0,
        };
        let (pending, fraction) =
            unit_pending([(&done, None), (&queued, None), (&running, Some(live))].into_iter());
        assert_eq!(pending, 2, "the kept one is not pending");
        assert_eq!(fraction, Some(30.0 / 80.0));
        assert_eq!(unit_pending([(&done, None)].into_iter()), (0, None));
    }

    #[test]
    fn figures_tell_bytes_percent_and_time_left() {
        let d = download(DownloadState::Downloading, 10_000_000);
        let live = Progress {
            received: 10_000_000,
            total: Some(40_000_000),
            rate: 1_000_000.0,
        };
        assert_eq!(
            figures(Lang::Ja, &d, Some(live)),
            "10.0 MB / 40.0 MB · 25% · 残り約 30 秒"
        );
        assert_eq!(figures(Lang::En, &d, None), "10.0 MB / 40.0 MB · 25%");
    }
}
