//! Every word the app shows, in Japanese and English.
//!
//! Views never hold UI text: they name a [`Msg`] and the learner's [`Lang`] picks the words. The
//! exhaustive match in [`Msg::pair`] makes a message without both languages a compile error.

use juko_core::Error;

/// The app's display language. Follows the system or browser at first; the learner can switch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Ja,
    En,
}

impl Lang {
    /// Picks the language for a BCP 47 tag such as `ja-JP` or `en-US`: Japanese for `ja*`,
    /// English for everything else (the app has no third language yet).
    pub fn from_tag(tag: &str) -> Lang {
        if tag.trim().to_ascii_lowercase().starts_with("ja") {
            Lang::Ja
        } else {
            Lang::En
        }
    }

    pub fn tag(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    /// The other language, for the switch.
    pub fn other(self) -> Lang {
        match self {
            Lang::Ja => Lang::En,
            Lang::En => Lang::Ja,
        }
    }

    pub fn tr(self, msg: Msg) -> &'static str {
        let (ja, en) = msg.pair();
        match self {
            Lang::Ja => ja,
            Lang::En => en,
        }
    }

    /// "3 lectures" / "講義 3 本".
    pub fn lecture_count(self, count: usize) -> String {
        let n = crate::format::number(count as u64);
        match self {
            Lang::Ja => format!("講義 {n} 本"),
            Lang::En if count == 1 => "1 lecture".to_owned(),
            Lang::En => format!("{n} lectures"),
        }
    }

    /// "x / y completed" for a unit or course.
    pub fn completed_count(self, done: usize, total: usize) -> String {
        let (done, total) = (
            crate::format::number(done as u64),
            crate::format::number(total as u64),
        );
        match self {
            Lang::Ja => format!("{done} / {total} 完了"),
            Lang::En => format!("{done} / {total} completed"),
        }
    }

    /// A unit's or course's "x / y done", saying when tests are among the y: the site counts a
    /// test's completion with the lectures' (`tests`: how many of the y are tests).
    pub fn done_count(self, done: usize, total: usize, tests: usize) -> String {
        if tests == 0 {
            return self.completed_count(done, total);
        }
        let (done, total) = (
            crate::format::number(done as u64),
            crate::format::number(total as u64),
        );
        match (self, tests) {
            (Lang::Ja, _) => format!("{done} / {total} 完了（テストを含む）"),
            (Lang::En, _) => format!("{done} / {total} done (incl. tests)"),
        }
    }

    /// "残り 12 日" / "12 days left".
    pub fn days_left(self, days: i64) -> String {
        match self {
            Lang::Ja => format!("期限まで残り {days} 日"),
            Lang::En if days == 1 => "1 day left".to_owned(),
            Lang::En => format!("{days} days left"),
        }
    }

    /// "Unit 3" / "第3講座".
    pub fn unit_number(self, n: u32) -> String {
        match self {
            Lang::Ja => format!("第{n}講座"),
            Lang::En => format!("Unit {n}"),
        }
    }

    /// "3 waiting to send" / "3 件が送信待ち": what the sync badge counts, said with the count.
    pub fn waiting_to_send(self, n: usize) -> String {
        let n = crate::format::number(n as u64);
        match self {
            Lang::Ja => format!("{n} 件が送信待ち"),
            Lang::En => format!("{n} waiting to send"),
        }
    }

    /// "3 unread" / "未読 3 件": the unread badge's label.
    pub fn unread_count(self, n: usize) -> String {
        match self {
            Lang::Ja => format!("未読 {} 件", crate::format::number(n as u64)),
            Lang::En => format!("{} unread", crate::format::number(n as u64)),
        }
    }

    /// How long ago, from milliseconds: "3分前" / "3 min ago".
    pub fn ago(self, ms: i64) -> String {
        let minutes = ms.max(0) / 60_000;
        let (hours, days) = (minutes / 60, minutes / 1440);
        match self {
            Lang::Ja if minutes < 1 => "たった今".to_owned(),
            Lang::Ja if hours < 1 => format!("{minutes}分前"),
            Lang::Ja if days < 1 => format!("{hours}時間前"),
            Lang::Ja => format!("{days}日前"),
            Lang::En if minutes < 1 => "just now".to_owned(),
            Lang::En if hours < 1 => format!("{minutes} min ago"),
            Lang::En if days < 1 => format!("{hours} h ago"),
            Lang::En if days == 1 => "1 day ago".to_owned(),
            Lang::En => format!("{days} days ago"),
        }
    }

    /// "Viewing of 2 lectures not sent yet" / "2 講義分の視聴記録が未送信です".
    pub fn unsynced_lectures(self, n: usize) -> String {
        match self {
            Lang::Ja => format!("{n} 講義分の視聴記録が未送信です。"),
            Lang::En if n == 1 => "Viewing of 1 lecture is not sent yet.".to_owned(),
            Lang::En => format!("Viewing of {n} lectures is not sent yet."),
        }
    }

    /// Test answers signing out would erase: "2 test answers are not sent yet".
    pub fn unsent_answers(self, n: usize) -> String {
        match self {
            Lang::Ja => format!(
                "確認テストの解答 {n} 件がまだサイトに送信されていません。ログアウトすると削除されます。"
            ),
            Lang::En if n == 1 => {
                "1 test answer has not reached the site yet. Signing out now deletes it.".to_owned()
            }
            Lang::En => format!(
                "{n} test answers have not reached the site yet. Signing out now deletes them."
            ),
        }
    }

    /// The offline or failed note over kept data, with how long ago it was saved.
    pub fn kept_note(self, offline: bool, ago: &str) -> String {
        match (self, offline) {
            (Lang::Ja, true) => {
                format!(
                    "オフラインのため、この端末に保存した内容を表示しています（最終更新：{ago}）。"
                )
            }
            (Lang::Ja, false) => format!(
                "最新の内容を取得できなかったため、この端末に保存した内容を表示しています（最終更新：{ago}）。"
            ),
            (Lang::En, true) => {
                format!("You're offline. Showing what's saved on this device (last updated {ago}).")
            }
            (Lang::En, false) => format!(
                "Could not update. Showing what's saved on this device (last updated {ago})."
            ),
        }
    }

    /// A question's heading: "問 3" / "Question 3".
    pub fn question_number(self, number: &str) -> String {
        match self {
            Lang::Ja => format!("問 {number}"),
            Lang::En => format!("Question {number}"),
        }
    }

    /// "Attempt 2" / "2 回目".
    pub fn attempt_number(self, n: u32) -> String {
        match self {
            Lang::Ja => format!("{n} 回目"),
            Lang::En => format!("Attempt {n}"),
        }
    }

    /// Attempts made of those allowed: "1 / 3", or "1 (unlimited)".
    pub fn attempts_used(self, used: usize, allowed: Option<u32>) -> String {
        match (self, allowed) {
            (_, Some(max)) => format!("{used} / {max}"),
            (Lang::Ja, None) => format!("{used}（無制限）"),
            (Lang::En, None) => format!("{used} (unlimited)"),
        }
    }

    /// What is left to try: "あと 2 回受験できます" / "2 attempts left".
    pub fn attempts_left(self, left: u32) -> String {
        match self {
            Lang::Ja if left == 0 => "受験できる回数は残っていません。".to_owned(),
            Lang::Ja => format!("あと {left} 回受験できます。"),
            Lang::En if left == 0 => "No attempts left.".to_owned(),
            Lang::En if left == 1 => "1 attempt left.".to_owned(),
            Lang::En => format!("{left} attempts left."),
        }
    }

    /// A time limit from seconds: "10 分" / "10 min" (seconds shown only when not whole minutes).
    pub fn time_limit(self, secs: u32) -> String {
        let (m, s) = (secs / 60, secs % 60);
        match (self, s) {
            (Lang::Ja, 0) => format!("{m} 分"),
            (Lang::Ja, _) => format!("{m} 分 {s} 秒"),
            (Lang::En, 0) => format!("{m} min"),
            (Lang::En, _) => format!("{m} min {s} s"),
        }
    }

    /// "3 / 10 answered" / "10 問中 3 問解答".
    pub fn answered_count(self, answered: usize, total: usize) -> String {
        match self {
            Lang::Ja => format!("{total} 問中 {answered} 問解答"),
            Lang::En => format!("{answered} / {total} answered"),
        }
    }

    /// Before a timed attempt starts: "制限時間は 10 分です。…".
    pub fn timed_start(self, secs: u32) -> String {
        let limit = self.time_limit(secs);
        match self {
            Lang::Ja => format!(
                "制限時間は {limit} です。開始するとすぐに時間が計られ始め、途中で止めることはできません。受験中はインターネット接続が必要です。"
            ),
            Lang::En => format!(
                "The time limit is {limit}. The time starts as soon as you start and cannot be paused. Taking the test needs the connection."
            ),
        }
    }

    /// Which attempt a new start uses: "3 回中 2 回目の受験になります。".
    pub fn uses_attempt(self, n: usize, allowed: Option<u32>) -> String {
        match (self, allowed) {
            (Lang::Ja, Some(max)) => format!("この受験は {max} 回中 {n} 回目になります。"),
            (Lang::Ja, None) => format!("{n} 回目の受験になります。"),
            (Lang::En, Some(max)) => format!("This uses attempt {n} of {max}."),
            (Lang::En, None) => format!("This will be attempt {n}."),
        }
    }

    /// A sentence for an engine error, for the learner.
    /// A download refused for want of space: what it needs and what the device has.
    pub fn no_space(self, needed: u64, free: u64) -> String {
        let (needed, free) = (
            crate::format::bytes(self, needed),
            crate::format::bytes(self, free),
        );
        match self {
            Lang::Ja => format!(
                "端末の空き容量が足りないため、ダウンロードを始めませんでした（必要 {needed}、空き {free}）。"
            ),
            Lang::En => format!(
                "Not downloaded: this device does not have enough free space ({needed} needed, {free} free)."
            ),
        }
    }

    /// "残り約 3 分" / "About 3 min left".
    pub fn time_left(self, secs: u64) -> String {
        let mins = secs.div_ceil(60);
        match (self, secs < 60) {
            (Lang::Ja, true) => format!("残り約 {secs} 秒"),
            (Lang::Ja, false) => format!("残り約 {mins} 分"),
            (Lang::En, true) => format!("About {secs} s left"),
            (Lang::En, false) => format!("About {mins} min left"),
        }
    }

    /// "2 / 5 本ダウンロード済み" / "2 of 5 downloaded".
    pub fn downloaded_count(self, done: usize, total: usize) -> String {
        match self {
            Lang::Ja => format!(
                "{} / {} 本ダウンロード済み",
                crate::format::number(done as u64),
                crate::format::number(total as u64)
            ),
            Lang::En => format!(
                "{} of {} downloaded",
                crate::format::number(done as u64),
                crate::format::number(total as u64)
            ),
        }
    }

    /// "3 本をダウンロード中" / "Downloading 3": a unit's lectures queued or on their way.
    pub fn downloading_count(self, n: usize) -> String {
        let n = crate::format::number(n as u64);
        match self {
            Lang::Ja => format!("{n} 本をダウンロード中"),
            Lang::En => format!("Downloading {n}"),
        }
    }

    pub fn error(self, e: &Error) -> String {
        let msg = match e {
            Error::BadSiteUrl(_) => Msg::ErrBadSiteUrl,
            Error::NonAsciiSiteHost => Msg::ErrNonAsciiSiteHost,
            Error::Unreachable(_) => Msg::ErrUnreachable,
            Error::NotMoodle(_) => Msg::ErrNotMoodle,
            Error::PasswordLoginDisabled => Msg::ErrPasswordLoginDisabled,
            Error::Maintenance(_) => Msg::ErrMaintenance,
            Error::WrongLogin => Msg::ErrWrongLogin,
            Error::SessionExpired => Msg::ErrSessionExpired,
            Error::NotAvailable(_) => Msg::ErrNotAvailable,
            Error::Refused(message) => return format!("{}: {message}", self.tr(Msg::ErrSite)),
            Error::Protocol(_) | Error::InvalidRequest(_) => Msg::ErrProtocol,
            Error::Storage(_) => Msg::ErrStorage,
        };
        self.tr(msg).to_owned()
    }
}

/// A message the app shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Msg {
    AppTagline,
    SiteUrl,
    SiteUrlHint,
    Username,
    Password,
    SignIn,
    SigningIn,
    SignOut,
    MyCourses,
    NoCourses,
    Loading,
    Retry,
    Lecturer,
    Duration,
    Completed,
    Locked,
    PreviousLecture,
    NextLecture,
    NoVideo,
    OpenExternal,
    VideoUnsupported,
    Quiz,
    Certificate,
    Forum,
    Activity,
    NotFound,
    SwitchLanguage,
    LanguageName,
    CourseProgress,
    Watched,
    History,
    RecentlyWatched,
    ContinueWatching,
    NoHistory,
    ResumeAt,
    SyncSynced,
    SyncSyncing,
    SyncOffline,
    SyncFailed,
    RecordFailed,
    SyncLocalOnly,
    ErrBadSiteUrl,
    ErrNonAsciiSiteHost,
    ErrUnreachable,
    ErrNotMoodle,
    ErrPasswordLoginDisabled,
    ErrMaintenance,
    ErrWrongLogin,
    ErrSessionExpired,
    ErrNotAvailable,
    ErrSite,
    ErrProtocol,
    ErrStorage,
    ErrEmptyFields,
    VideoNeedsNetwork,
    UpdatedAgo,
    Updating,
    NotKeptYetOffline,
    BackToCourse,
    TitleNotYetKnown,
    SignOutUnsyncedTitle,
    SignOutUnsyncedLocalOnly,
    SignOutSyncFirst,
    SignOutAnyway,
    SignOutStillUnsynced,
    SignOutErases,
    Cancel,
    BrandMark,
    BrandName,
    SignOutEraseFailed,
    QuizNotAttempted,
    QuizInProgress,
    QuizPassed,
    QuizNotPassed,
    QuizFinished,
    QuizState,
    Grade,
    AttemptsUsed,
    PassMark,
    TimeLimit,
    NoTimeLimit,
    QuizRules,
    StartAttempt,
    ContinueAttempt,
    Starting,
    TimedNeedsConnection,
    OnlineOnlyQuiz,
    OfflineQuiz,
    StartNeedsConnection,
    QuizNeedsSite,
    QuizUnsupportedQuestions,
    OpenQuizOnSite,
    QuizBlocked,
    YourAttempts,
    SeeResult,
    QuestionUnsupported,
    QuestionNotShownYet,
    FlagQuestion,
    Flagged,
    AnswerTrue,
    AnswerFalse,
    YourAnswer,
    AnswerKeptHere,
    NeedsLook,
    OutcomeCorrect,
    OutcomePartial,
    OutcomeIncorrect,
    Feedback,
    QuestionNavigation,
    Answered,
    NotAnswered,
    PreviousQuestion,
    NextQuestion,
    FinishAttempt,
    SummaryTitle,
    AllAnswered,
    UnansweredQuestions,
    FlaggedQuestions,
    NeedsLookQuestions,
    BackToAttempt,
    SubmitAttempt,
    SubmitConfirm,
    Submit,
    Submitting,
    SubmitQueued,
    SubmitNeedsLook,
    SubmitNeedsConnection,
    ResultTitle,
    ResultPassed,
    ResultNotPassed,
    GradeNotShown,
    BackToQuiz,
    TimeLeft,
    TimeUp,
    AttemptNotOnDevice,
    ClosedOnSite,
    SeeUnsentAnswers,
    Dismiss,
    KeepMyAnswer,
    TakeSiteAnswer,
    SaveFailed,
    NotReached,
    NotReachedQuestions,
    WaitingToSend,
    TimedOffline,
    TimeUpSubmitted,
    StartConfirmTitle,
    StartNow,
    StartAgain,
    OpeningFromSite,
    StateNotYetAnswered,
    StateAnswerSaved,
    StateInvalid,
    StateNeedsGrading,
    StateNotAnswered,
    StateFinished,
    NotCompleted,
    // Facility join (施設コースに参加).
    JoinFacility,
    JoinChooseCourse,
    JoinNoCourses,
    JoinCode,
    JoinCodeHint,
    JoinSubmit,
    Joining,
    JoinEmptyCode,
    JoinWrongCode,
    JoinCodeChangesYearly,
    JoinAlreadyJoined,
    JoinNotTakingLearners,
    JoinNeedsConnection,
    JoinAllCourses,
    JoinSiteReason,
    OpenCourse,
    FacilityUserId,
    // certificates (修了証).
    Certificates,
    CertificatesValid,
    CertificatesExpiring,
    CertificatesExpired,
    CertificatesAvailable,
    CertificatesLocked,
    NoCertificates,
    CertificateValid,
    CertificateExpired,
    CertificateAvailable,
    CertificateIssuedOn,
    CertificateExpiresOn,
    CertificateCode,
    CertificateMissing,
    SiteConditions,
    OpenCertificate,
    ReceiveCertificate,
    CertificateOpening,
    CertificateKeptHint,
    CertificateNoViewer,
    // お知らせ (news)
    News,
    Announcements,
    Notifications,
    NoNews,
    NoNotifications,
    Pinned,
    Unread,
    SiteNews,
    Course,
    Attachments,
    LatestNews,
    // The player (再生)
    PlaybackSpeed,
    Captions,
    KeyboardShortcuts,
    ShortcutPlayPause,
    ShortcutSeek5,
    ShortcutSeek10,
    ShortcutMute,
    ShortcutFullscreen,
    ShortcutCaptions,
    ShortcutSpeed,
    LectureEnded,
    GoToNextLecture,
    GoToUnitTest,
    UnitFinished,
    PlaybackSettings,
    DefaultSpeed,
    ShowCaptions,
    // The frame and 設定 (shell slice).
    MainNav,
    Settings,
    Language,
    LangJa,
    LangEn,
    Appearance,
    AppearanceSystem,
    AppearanceLight,
    AppearanceDark,
    Account,
    SignedInAs,
    Site,
    About,
    AppVersion,
    MoodleVersion,
    Unknown,
    Licences,
    ShowLicences,
    UnitLectures,
    // Lecture downloads (offline viewing).
    Download,
    DownloadUnit,
    DownloadAgain,
    DownloadQueued,
    Downloading,
    DownloadPaused,
    DownloadDone,
    DownloadStale,
    DownloadFailedOffline,
    DownloadFailedSignIn,
    DownloadFailedNotAvailable,
    DownloadFailedBadAnswer,
    DownloadFailedStorage,
    DownloadWaitingForWifi,
    PauseDownload,
    ResumeDownload,
    CancelDownload,
    DeleteDownload,
    DownloadProgress,
    PlayingDownloaded,
    NotDownloadedOffline,
    Downloads,
    DownloadsStorage,
    NoDownloads,
    DeleteCourseDownloads,
    DeleteAllDownloads,
    DeleteDownloadsConfirm,
    KeptMark,
    DownloadUnitRest,
    FreeSpace,
    FreeSpaceUnknown,
    DownloadSettings,
    WifiOnly,
    WifiOnlyHint,
    WifiOnlyCannotTell,
    ManageDownloads,
}

impl Msg {
    /// (Japanese, English).
    fn pair(self) -> (&'static str, &'static str) {
        use Msg::*;
        match self {
            AppTagline => (
                "臨床研究を、いつでもどこでも受講",
                "Clinical research learning, anywhere",
            ),
            SiteUrl => ("サイトのアドレス", "Site address"),
            SiteUrlHint => ("例: www.icrweb.jp", "e.g. www.icrweb.jp"),
            Username => ("ユーザー名", "Username"),
            Password => ("パスワード", "Password"),
            SignIn => ("ログイン", "Sign in"),
            SigningIn => ("ログインしています…", "Signing in…"),
            SignOut => ("ログアウト", "Sign out"),
            MyCourses => ("マイコース", "My courses"),
            NoCourses => (
                "受講できるコースはまだありません。",
                "You are not enrolled in any course yet.",
            ),
            Loading => ("読み込んでいます…", "Loading…"),
            Retry => ("再試行", "Try again"),
            Lecturer => ("講師", "Lecturer"),
            Duration => ("時間", "Length"),
            Completed => ("完了", "Completed"),
            Locked => ("まだ受講できません", "Not available yet"),
            PreviousLecture => ("前の講義", "Previous lecture"),
            NextLecture => ("次の講義", "Next lecture"),
            NoVideo => (
                "この講義には動画がありません。",
                "This lecture has no video.",
            ),
            OpenExternal => ("外部サイトで開く", "Open on the external site"),
            VideoUnsupported => (
                "このブラウザでは動画を再生できません。",
                "This browser cannot play the video.",
            ),
            Quiz => ("確認テスト", "Test"),
            Certificate => ("修了証", "Certificate"),
            Forum => ("フォーラム", "Forum"),
            Activity => ("教材", "Activity"),
            NotFound => ("ページが見つかりません。", "Page not found."),
            SwitchLanguage => ("English に切り替え", "日本語に切り替え"),
            LanguageName => ("English", "日本語"),
            CourseProgress => ("進捗", "Progress"),
            Watched => ("視聴済み", "Watched"),
            History => ("視聴履歴", "History"),
            RecentlyWatched => ("最近視聴した講義", "Recently watched"),
            ContinueWatching => ("続きから視聴", "Continue watching"),
            NoHistory => (
                "まだ視聴した講義はありません。",
                "You have not watched any lecture yet.",
            ),
            ResumeAt => ("続きから", "Resume at"),
            SyncSynced => ("同期済み", "Synced"),
            SyncSyncing => ("同期中…", "Syncing…"),
            SyncOffline => ("オフライン", "Offline"),
            SyncFailed => ("同期エラー", "Sync error"),
            RecordFailed => ("視聴履歴を保存できません", "Viewing history not saved"),
            SyncLocalOnly => (
                "この端末に保存（サイトは同期に未対応）",
                "Kept on this device (the site cannot sync history)",
            ),
            ErrBadSiteUrl => (
                "サイトのアドレスが正しくありません。",
                "That is not a valid site address.",
            ),
            ErrNonAsciiSiteHost => (
                "日本語を含むドメイン名は、「xn--」で始まる形式で入力してください。",
                "Type a domain name with non-ASCII letters in its xn-- form.",
            ),
            ErrUnreachable => (
                "サイトに接続できません。アドレスとネットワークを確認してください。",
                "Cannot reach the site. Check the address and your connection.",
            ),
            ErrNotMoodle => (
                "このアドレスは対応するサイトではありません。",
                "This address is not a site this app can use.",
            ),
            ErrPasswordLoginDisabled => (
                "このサイトはアプリからのパスワードでのログインを受け付けていません。",
                "This site does not accept password sign-in from the app.",
            ),
            ErrMaintenance => (
                "サイトはメンテナンス中です。",
                "The site is under maintenance.",
            ),
            ErrWrongLogin => (
                "ユーザー名またはパスワードが違います。",
                "Wrong username or password.",
            ),
            ErrSessionExpired => (
                "ログインの有効期限が切れました。もう一度ログインしてください。",
                "Your session has expired. Please sign in again.",
            ),
            ErrNotAvailable => (
                "このコンテンツは受講できません。",
                "This is not available to you.",
            ),
            ErrSite => ("サイトがエラーを返しました", "The site returned an error"),
            ErrProtocol => (
                "サイトから予期しない応答がありました。",
                "The site sent an unexpected answer.",
            ),
            ErrStorage => (
                "端末への保存に失敗しました。",
                "Could not save on this device.",
            ),
            ErrEmptyFields => (
                "サイト、ユーザー名、パスワードを入力してください。",
                "Enter the site, your username and your password.",
            ),
            VideoNeedsNetwork => (
                "この講義を再生するにはインターネット接続が必要です。接続を確認してください。",
                "This lecture needs a connection to play. Check your connection.",
            ),
            UpdatedAgo => ("最終更新：", "Updated "),
            Updating => ("更新を確認しています…", "Checking for updates…"),
            NotKeptYetOffline => (
                "この内容はまだこの端末に保存されていません。インターネットに接続すると表示できます。",
                "This isn't saved on this device yet. Connect to the internet to open it.",
            ),
            BackToCourse => ("コースに戻る", "Back to course"),
            TitleNotYetKnown => (
                "講義名を取得していません（接続時に取得します）",
                "Lecture title not fetched yet (fetched when online)",
            ),
            SignOutUnsyncedTitle => (
                "まだサイトに送信していない視聴記録があります。今ログアウトすると端末から削除され、受講状況に反映されません。",
                "Some of your viewing has not reached the site yet. Signing out now deletes it from this device, and it won't count toward your progress.",
            ),
            SignOutUnsyncedLocalOnly => (
                "このサイトは視聴履歴を保存しません。ログアウトすると、この端末の視聴履歴は削除され失われます。",
                "This site does not keep viewing history. Signing out erases this device's history, and it will be lost.",
            ),
            SignOutSyncFirst => ("送信してからログアウト", "Send history, then sign out"),
            SignOutAnyway => ("削除してログアウト", "Erase and sign out"),
            SignOutStillUnsynced => (
                "送信できませんでした（オフラインの可能性があります）。",
                "Could not send it (you may be offline).",
            ),
            SignOutErases => (
                "ログアウトすると、この端末に保存したあなたのデータ（コース、視聴履歴、ダウンロードした講義、修了証）は削除されます。",
                "Signing out erases your data kept on this device (courses, viewing history, downloaded lectures, certificates).",
            ),
            Cancel => ("キャンセル", "Cancel"),
            BrandMark => ("受", "受"),
            BrandName => ("Juko", "Juko"),
            SignOutEraseFailed => (
                "ログアウトしましたが、この端末のデータを削除できませんでした。",
                "Signed out, but this device's data could not be erased.",
            ),
            QuizNotAttempted => ("未受験", "Not attempted"),
            QuizInProgress => ("受験中", "In progress"),
            QuizPassed => ("合格", "Passed"),
            QuizNotPassed => ("不合格", "Not passed"),
            QuizFinished => ("受験済み", "Finished"),
            QuizState => ("状態", "Status"),
            Grade => ("成績", "Grade"),
            AttemptsUsed => ("受験回数", "Attempts"),
            PassMark => ("合格点", "Pass mark"),
            TimeLimit => ("制限時間", "Time limit"),
            NoTimeLimit => ("なし", "None"),
            QuizRules => ("受験のルール", "Rules"),
            StartAttempt => ("受験を開始", "Start the test"),
            ContinueAttempt => ("受験を続ける", "Continue the test"),
            Starting => ("準備しています…", "Getting the test ready…"),
            TimedNeedsConnection => (
                "制限時間のあるテストは、受験中ずっとインターネット接続が必要です。",
                "Timed tests need the connection for the whole attempt.",
            ),
            OnlineOnlyQuiz => (
                "このテストは、受験中インターネット接続が必要です。",
                "This test needs the connection while you answer it.",
            ),
            OfflineQuiz => (
                "このテストは、開始後はオフラインでも解答できます。解答は接続したときに送信されます。",
                "Once started, this test can be answered offline: your answers are sent when you are back online.",
            ),
            StartNeedsConnection => (
                "テストを開始するにはインターネット接続が必要です。",
                "Starting the test needs the connection.",
            ),
            QuizNeedsSite => (
                "このテストはアプリでは受験できません。サイトで受験してください。",
                "This test cannot be taken in the app. Take it on the site.",
            ),
            QuizUnsupportedQuestions => (
                "このテストにはアプリで解答できない問題があります。サイトで受験してください。",
                "This test has questions the app cannot answer. Take it on the site.",
            ),
            OpenQuizOnSite => ("サイトでこのテストを開く", "Open this test on the site"),
            QuizBlocked => (
                "現在このテストは受験できません。",
                "This test cannot be taken now.",
            ),
            YourAttempts => ("これまでの受験", "Your attempts"),
            SeeResult => ("結果を見る", "See the result"),
            QuestionUnsupported => (
                "この問題はアプリでは解答できません。",
                "This question cannot be answered in the app.",
            ),
            QuestionNotShownYet => (
                "この問題はまだ表示できません。",
                "This question cannot be shown yet.",
            ),
            FlagQuestion => ("あとで見直す", "Flag for later"),
            Flagged => ("見直し", "Flagged"),
            AnswerTrue => ("正しい", "True"),
            AnswerFalse => ("誤り", "False"),
            YourAnswer => ("解答", "Your answer"),
            AnswerKeptHere => (
                "この端末に保存済み（未送信）",
                "Saved on this device (not sent yet)",
            ),
            NeedsLook => (
                "要確認：この解答は別の場所で変更されていたため、送信していません。確認して選び直してください。",
                "Needs a look: this answer changed elsewhere, so it was not sent. Check it and answer again.",
            ),
            OutcomeCorrect => ("正解", "Correct"),
            OutcomePartial => ("部分的に正解", "Partially correct"),
            OutcomeIncorrect => ("不正解", "Incorrect"),
            Feedback => ("フィードバック", "Feedback"),
            QuestionNavigation => ("問題一覧", "Questions"),
            Answered => ("解答済み", "Answered"),
            NotAnswered => ("未解答", "Not answered"),
            PreviousQuestion => ("前の問題", "Previous"),
            NextQuestion => ("次の問題", "Next"),
            FinishAttempt => ("解答を終えて確認", "Finish attempt…"),
            SummaryTitle => ("解答の確認", "Summary of your attempt"),
            AllAnswered => (
                "すべての問題に解答しました。",
                "Every question is answered.",
            ),
            UnansweredQuestions => ("未解答の問題", "Not answered yet"),
            FlaggedQuestions => ("見直しの印を付けた問題", "Flagged for later"),
            NeedsLookQuestions => ("確認が必要な問題", "Need a look"),
            BackToAttempt => ("解答に戻る", "Return to the questions"),
            SubmitAttempt => ("すべて提出して終了", "Submit all and finish"),
            SubmitConfirm => (
                "提出すると解答を変更できなくなります。提出しますか？",
                "Once submitted, your answers cannot be changed. Submit now?",
            ),
            Submit => ("提出する", "Submit"),
            Submitting => ("提出しています…", "Submitting…"),
            SubmitQueued => (
                "オフラインのため、提出をこの端末に保存しました。接続したときに送信します。",
                "You are offline: the submission is kept on this device and sent when you are back online.",
            ),
            SubmitNeedsLook => (
                "別の場所で変更された解答があります。確認してから提出してください。",
                "Some answers changed elsewhere. Check them before submitting.",
            ),
            SubmitNeedsConnection => (
                "このテストの提出にはインターネット接続が必要です。解答はこの端末に保存されています。",
                "Submitting this test needs the connection. Your answers are kept on this device.",
            ),
            ResultTitle => ("結果", "Result"),
            ResultPassed => ("合格です", "Passed"),
            ResultNotPassed => ("不合格です", "Not passed"),
            GradeNotShown => ("成績はまだ表示されません。", "The grade is not shown yet."),
            BackToQuiz => ("テストに戻る", "Back to the test"),
            TimeLeft => ("残り時間", "Time left"),
            TimeUp => ("時間切れです。提出しています…", "Time is up. Submitting…"),
            AttemptNotOnDevice => (
                "この受験はこの端末に保存されていません。接続してテストのページから開いてください。",
                "This attempt is not saved on this device. Connect and open it from the test's page.",
            ),
            ClosedOnSite => (
                "この受験はサイト側で終了していたため、この端末の解答の一部は送信されませんでした。",
                "This attempt was closed on the site, so some answers on this device were not sent.",
            ),
            SeeUnsentAnswers => ("送信されなかった解答を見る", "See the answers not sent"),
            Dismiss => ("確認しました", "OK"),
            KeepMyAnswer => ("この解答を送る", "Send my answer"),
            TakeSiteAnswer => ("サイトの解答にする", "Use the site's answer"),
            SaveFailed => (
                "解答を送信できませんでした。解答はこの端末に保存されています。",
                "Could not send your answers. They are kept on this device.",
            ),
            NotReached => ("まだ表示されていません", "Not reached yet"),
            NotReachedQuestions => ("まだ表示していない問題", "Questions not reached yet"),
            WaitingToSend => (
                "送信待ち: この受験の提出はこの端末にあり、接続したときに送信します。",
                "Waiting to send: this attempt's submission is on this device and goes when you are back online.",
            ),
            TimedOffline => (
                "オフラインです。解答はサイトに届いていません。制限時間はこのまま進みます。",
                "You are offline: your answers are not reaching the site, and the time keeps running.",
            ),
            TimeUpSubmitted => (
                "時間切れのため自動提出しました",
                "Time was up: the attempt was submitted automatically",
            ),
            StartConfirmTitle => ("受験を開始しますか？", "Start the test?"),
            StartNow => ("開始する", "Start"),
            StartAgain => ("もう一度受験する", "Take it again"),
            OpeningFromSite => ("サイトから開いています…", "Opening from the site…"),
            StateNotYetAnswered => ("未解答", "Not yet answered"),
            StateAnswerSaved => ("解答保存済み", "Answer saved"),
            StateInvalid => ("解答が不完全です", "Incomplete answer"),
            StateNeedsGrading => ("採点待ち", "Waiting to be graded"),
            StateNotAnswered => ("解答なし", "Not answered"),
            StateFinished => ("解答済み", "Finished"),
            Certificates => ("修了証", "Certificates"),
            CertificatesValid => ("有効な修了証", "Valid"),
            CertificatesExpiring => ("30日以内に期限切れ", "Expiring within 30 days"),
            CertificatesExpired => ("期限切れ", "Expired"),
            CertificatesAvailable => ("受け取れる修了証", "Ready to receive"),
            CertificatesLocked => ("まだ取得していない修了証", "Not earned yet"),
            NoCertificates => (
                "修了証のある講座はまだありません。",
                "None of your courses has a certificate yet.",
            ),
            CertificateValid => ("有効", "Valid"),
            CertificateExpired => ("期限切れ", "Expired"),
            CertificateAvailable => ("受け取れます", "Ready"),
            CertificateIssuedOn => ("発行日", "Issued"),
            CertificateExpiresOn => ("有効期限", "Valid until"),
            CertificateCode => ("検証コード", "Verification code"),
            CertificateMissing => (
                "この講座の講義をすべて視聴し、確認テストに合格すると受け取れます",
                "Watch every lecture of this unit and pass its test to receive it",
            ),
            SiteConditions => ("サイトの条件", "The site's conditions"),
            OpenCertificate => ("修了証を開く（PDF）", "Open certificate (PDF)"),
            ReceiveCertificate => ("修了証を受け取る（PDF）", "Receive certificate (PDF)"),
            CertificateOpening => ("開いています…", "Opening…"),
            CertificateKeptHint => (
                "一度開いた修了証はこの端末に保存され、オフラインでも開けます。",
                "A certificate opened once is kept on this device and opens offline too.",
            ),
            CertificateNoViewer => (
                "この端末ではまだ修了証のPDFを表示できません。PDFはこの端末に保存されています。",
                "This device cannot show the certificate's PDF yet. The PDF is kept on this device.",
            ),
            NotCompleted => ("未完了", "Not completed"),
            // Facility join (施設コースに参加).
            JoinFacility => ("施設コースに参加", "Join a facility course"),
            JoinChooseCourse => (
                "ご所属の施設のコースを選び、施設コードを入力してください。",
                "Choose your facility's course, then enter its facility code.",
            ),
            JoinNoCourses => (
                "参加できる施設コースはありません。",
                "There is no facility course to join.",
            ),
            JoinCode => ("施設コード", "Facility code"),
            JoinCodeHint => (
                "施設の担当者から案内された今年度の施設コード",
                "This year's code from your facility's administrator",
            ),
            JoinSubmit => ("参加する", "Join"),
            Joining => ("確認しています…", "Checking…"),
            JoinEmptyCode => ("施設コードを入力してください。", "Enter the facility code."),
            JoinWrongCode => (
                "施設コードが正しくありません。コースには参加していません。大文字・小文字も含めて確かめてください。",
                "That facility code is not right. You have not been enrolled. Check it, capital letters included.",
            ),
            JoinCodeChangesYearly => (
                "施設コードは毎年度変わります。昨年度のコードでは参加できません。",
                "Facility codes change every year: last year's code no longer works.",
            ),
            JoinAlreadyJoined => (
                "このコースにはすでに参加しています。",
                "You are already in this course.",
            ),
            JoinNotTakingLearners => (
                "このコースは現在、施設コードによる参加を受け付けていません。昨年度の受付が終了している場合は、今年度のコードを施設の担当者にお問い合わせください。",
                "This course is not taking learners with a code now. If last year's enrolment has ended, ask your facility for this year's code.",
            ),
            JoinNeedsConnection => (
                "施設コースへの参加にはインターネット接続が必要です。接続してからもう一度お試しください。",
                "Joining a facility course needs an internet connection. Connect and try again.",
            ),
            JoinAllCourses => ("施設コースの一覧", "All facility courses"),
            JoinSiteReason => ("サイトからの説明", "The site says"),
            OpenCourse => ("コースを開く", "Open the course"),
            FacilityUserId => ("施設ユーザーID", "Facility user ID"),
            News => ("お知らせ", "News"),
            Announcements => ("お知らせ", "Announcements"),
            Notifications => ("通知", "Notifications"),
            NoNews => ("お知らせはありません", "No announcements"),
            NoNotifications => ("通知はありません", "No notifications"),
            Pinned => ("重要", "Pinned"),
            Unread => ("未読", "Unread"),
            SiteNews => ("サイトからのお知らせ", "From the site"),
            Course => ("コース", "Course"),
            Attachments => ("添付ファイル", "Attachments"),
            LatestNews => ("最新のお知らせ", "Latest announcement"),
            PlaybackSpeed => ("再生速度", "Playback speed"),
            Captions => ("字幕", "Captions"),
            KeyboardShortcuts => ("キーボード操作", "Keyboard shortcuts"),
            ShortcutPlayPause => ("再生／一時停止", "Play / pause"),
            ShortcutSeek5 => ("5秒戻る／5秒進む", "Back / forward 5 seconds"),
            ShortcutSeek10 => ("10秒戻る／10秒進む", "Back / forward 10 seconds"),
            ShortcutMute => ("消音／消音解除", "Mute / unmute"),
            ShortcutFullscreen => ("全画面表示", "Full screen"),
            ShortcutCaptions => ("字幕の表示／非表示", "Captions on / off"),
            ShortcutSpeed => ("再生速度を下げる／上げる", "Slower / faster"),
            LectureEnded => ("講義の再生が終わりました", "This lecture has finished"),
            GoToNextLecture => ("次の講義を再生", "Play the next lecture"),
            GoToUnitTest => ("講座の確認テストへ", "Go to the unit's test"),
            UnitFinished => (
                "この講座の講義はこれで最後です。",
                "That was the last lecture of this unit.",
            ),
            PlaybackSettings => ("再生の設定", "Playback settings"),
            DefaultSpeed => ("標準の再生速度", "Default playback speed"),
            ShowCaptions => ("字幕を表示する", "Show captions"),
            // The frame and 設定 (shell slice).
            MainNav => ("メインメニュー", "Main menu"),
            Settings => ("設定", "Settings"),
            Language => ("言語", "Language"),
            LangJa => ("日本語", "日本語"),
            LangEn => ("English", "English"),
            Appearance => ("表示", "Appearance"),
            AppearanceSystem => ("システムの設定に合わせる", "Follow the system"),
            AppearanceLight => ("ライト", "Light"),
            AppearanceDark => ("ダーク", "Dark"),
            Account => ("アカウント", "Account"),
            SignedInAs => ("ログイン中", "Signed in as"),
            Site => ("サイト", "Site"),
            About => ("このアプリについて", "About this app"),
            AppVersion => ("アプリのバージョン", "App version"),
            MoodleVersion => ("Moodle のバージョン", "Moodle version"),
            Unknown => ("不明", "Unknown"),
            Licences => ("ライセンス", "Licences"),
            ShowLicences => ("ライセンスを表示", "Show licences"),
            UnitLectures => ("この講座の講義", "Lectures in this unit"),
            Download => ("ダウンロード", "Download"),
            DownloadUnit => ("講座の講義をダウンロード", "Download the unit's lectures"),
            DownloadAgain => ("もう一度ダウンロード", "Download again"),
            DownloadQueued => ("ダウンロード待ち", "Waiting to download"),
            Downloading => ("ダウンロード中", "Downloading"),
            DownloadPaused => ("一時停止中", "Paused"),
            DownloadDone => (
                "ダウンロード済み（オフラインで視聴できます）",
                "Downloaded (watch it offline)",
            ),
            DownloadStale => (
                "サイトで動画が更新されました。保存済みの動画は再生できますが、最新版はもう一度ダウンロードしてください。",
                "The site has changed this video. The kept copy still plays; download it again for the new one.",
            ),
            DownloadFailedOffline => (
                "接続が切れたため中断しました。接続が戻ると続きからダウンロードします。",
                "Stopped: the connection was lost. It continues where it stopped when the connection returns.",
            ),
            DownloadFailedSignIn => (
                "サインインの有効期限が切れました。もう一度サインインしてから再開してください。",
                "Your session has expired. Sign in again, then resume.",
            ),
            DownloadFailedNotAvailable => (
                "この講義の動画はダウンロードできなくなりました。",
                "This lecture's video can no longer be downloaded.",
            ),
            DownloadFailedBadAnswer => (
                "サイトから受け取ったファイルが正しくありませんでした。しばらくしてから再開してください。",
                "The file from the site was not right. Try resuming later.",
            ),
            DownloadFailedStorage => (
                "端末に保存できませんでした。空き容量を確認してから再開してください。",
                "It could not be saved on this device. Check the free space, then resume.",
            ),
            DownloadWaitingForWifi => (
                "Wi-Fi に接続するとダウンロードを始めます（Wi-Fi のみの設定）。",
                "Downloads start when you are on Wi-Fi (Wi-Fi only is on).",
            ),
            PauseDownload => ("一時停止", "Pause"),
            ResumeDownload => ("再開", "Resume"),
            CancelDownload => ("中止", "Cancel"),
            DeleteDownload => ("削除", "Delete"),
            DownloadProgress => ("ダウンロードの進み具合", "Download progress"),
            PlayingDownloaded => (
                "ダウンロードした動画を再生しています（オフラインでも視聴できます）。",
                "Playing the downloaded copy (works offline).",
            ),
            NotDownloadedOffline => (
                "この講義はダウンロードされていません。視聴するにはインターネットに接続してください。",
                "This lecture is not downloaded. Connect to the internet to watch it.",
            ),
            Downloads => ("ダウンロード", "Downloads"),
            DownloadsStorage => ("端末に保存した講義", "Lectures kept on this device"),
            NoDownloads => (
                "ダウンロードした講義はありません。",
                "No lectures downloaded.",
            ),
            DeleteCourseDownloads => (
                "このコースのダウンロードをすべて削除",
                "Delete this course's downloads",
            ),
            DeleteAllDownloads => ("すべてのダウンロードを削除", "Delete all downloads"),
            DeleteDownloadsConfirm => (
                "この端末から講義のファイルを削除します。視聴履歴は消えません。もう一度ダウンロードするにはインターネット接続が必要です。",
                "The lectures' files are deleted from this device. Your viewing history stays. Downloading them again needs an internet connection.",
            ),
            DownloadUnitRest => ("残りの講義をダウンロード", "Download the rest"),
            KeptMark => ("ダウンロード済み", "Downloaded"),
            FreeSpace => ("端末の空き容量", "Free space on this device"),
            FreeSpaceUnknown => (
                "この端末では空き容量を確認できません。",
                "This device does not tell its free space.",
            ),
            DownloadSettings => ("ダウンロードの設定", "Download settings"),
            WifiOnly => (
                "Wi-Fi 接続時のみダウンロードする",
                "Download over Wi-Fi only",
            ),
            WifiOnlyHint => (
                "モバイルデータ通信のあいだはダウンロードを待ちます。",
                "Downloads wait while you are on mobile data.",
            ),
            WifiOnlyCannotTell => (
                "この端末では接続の種類を判別できないため、この設定があってもダウンロードは待たずに進みます。",
                "This device does not tell what kind of connection it has, so downloads go ahead even with this on.",
            ),
            ManageDownloads => ("ダウンロードの管理", "Manage downloads"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_naturally() {
        assert_eq!(Lang::Ja.ago(10_000), "たった今");
        assert_eq!(Lang::Ja.ago(3 * 60_000), "3分前");
        assert_eq!(Lang::En.ago(2 * 3_600_000), "2 h ago");
        assert_eq!(Lang::En.ago(36 * 3_600_000), "1 day ago");
        assert_eq!(
            Lang::Ja.ago(-5),
            "たった今",
            "a clock set back is not the future"
        );
    }

    #[test]
    fn language_follows_the_system_tag() {
        let check = |tag, want| assert_eq!(Lang::from_tag(tag), want, "{tag}");
        check("ja", Lang::Ja);
        check("ja-JP", Lang::Ja);
        check("JA_jp.UTF-8", Lang::Ja);
        check("en-US", Lang::En);
        check("fr", Lang::En);
        check("", Lang::En);
    }

    #[test]
    fn counts_read_naturally() {
        assert_eq!(Lang::En.lecture_count(1), "1 lecture");
        assert_eq!(Lang::En.lecture_count(10), "10 lectures");
        assert_eq!(Lang::Ja.lecture_count(10), "講義 10 本");
        assert_eq!(Lang::Ja.completed_count(3, 10), "3 / 10 完了");
        assert_eq!(Lang::Ja.unit_number(2), "第2講座");
        assert_eq!(Lang::Ja.done_count(0, 11, 1), "0 / 11 完了（テストを含む）");
        assert_eq!(Lang::En.done_count(0, 11, 1), "0 / 11 done (incl. tests)");
        assert_eq!(Lang::En.done_count(2, 10, 0), "2 / 10 completed");
    }

    #[test]
    fn every_error_has_a_sentence_in_both_languages() {
        let errors = [
            Error::BadSiteUrl("x".into()),
            Error::Unreachable("x".into()),
            Error::NotMoodle("x".into()),
            Error::PasswordLoginDisabled,
            Error::Maintenance(String::new()),
            Error::WrongLogin,
            Error::SessionExpired,
            Error::NotAvailable("x".into()),
            Error::Protocol("x".into()),
            Error::Storage("x".into()),
        ];
        for e in &errors {
            let (ja, en) = (Lang::Ja.error(e), Lang::En.error(e));
            assert!(!ja.is_empty() && !en.is_empty() && ja != en, "{e:?}");
        }
    }
}
