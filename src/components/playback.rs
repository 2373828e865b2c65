//! What the player's controls mean, apart from any screen: the speeds a learner can choose, the
//! playback preferences kept on the device, the keyboard shortcuts, and the page-side script
//! that applies them to the lecture's video (speed again on every load, captions, shortcuts,
//! landscape in fullscreen, the screen kept awake while playing).

use crate::i18n::Msg;
use serde::Deserialize;

/// The speeds offered, slowest first.
pub const SPEEDS: [f64; 6] = [0.75, 1.0, 1.25, 1.5, 1.75, 2.0];

/// The offered speed closest to `speed` (a garbled or hostile value becomes a real step).
pub fn snap_speed(speed: f64) -> f64 {
    if !speed.is_finite() {
        return 1.0;
    }
    SPEEDS
        .iter()
        .copied()
        .min_by(|a, b| (a - speed).abs().total_cmp(&(b - speed).abs()))
        .unwrap_or(1.0)
}

/// One step faster, staying at the fastest.
pub fn faster(speed: f64) -> f64 {
    let s = snap_speed(speed);
    SPEEDS.iter().copied().find(|&x| x > s).unwrap_or(s)
}

/// One step slower, staying at the slowest.
pub fn slower(speed: f64) -> f64 {
    let s = snap_speed(speed);
    SPEEDS.iter().rev().copied().find(|&x| x < s).unwrap_or(s)
}

/// The offered speed at `index` (a control's value), if any.
pub fn speed_at(index: &str) -> Option<f64> {
    SPEEDS.get(index.parse::<usize>().ok()?).copied()
}

/// `1.25×`, `1×`.
pub fn speed_label(speed: f64) -> String {
    format!("{speed}×")
}

/// The learner's playback preferences: not per account, kept by `platform::save_playback`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlaybackPrefs {
    /// One of [`SPEEDS`]; applied to every lecture.
    pub speed: f64,
    /// Whether captions show when a lecture has them.
    pub captions: bool,
}

impl Default for PlaybackPrefs {
    fn default() -> Self {
        PlaybackPrefs {
            speed: 1.0,
            captions: false,
        }
    }
}

impl PlaybackPrefs {
    /// `speed=1.25;captions=1`, as kept on the device.
    pub fn to_text(self) -> String {
        format!("speed={};captions={}", self.speed, u8::from(self.captions))
    }

    /// Reads [`Self::to_text`]; anything unreadable keeps its default.
    pub fn from_text(text: &str) -> PlaybackPrefs {
        let mut prefs = PlaybackPrefs::default();
        for (key, value) in text.trim().split(';').filter_map(|p| p.split_once('=')) {
            match key.trim() {
                // Matched against the offered speeds' own text: no float parser in the web
                // bundle for one preference.
                "speed" => {
                    if let Some(s) = SPEEDS.iter().find(|s| s.to_string() == value.trim()) {
                        prefs.speed = *s;
                    }
                }
                "captions" => prefs.captions = value.trim() == "1",
                _ => {}
            }
        }
        prefs
    }

    /// The preferences after a learner's action on the page (a shortcut or a control).
    pub fn after(self, action: PageAction) -> PlaybackPrefs {
        match action {
            PageAction::Faster => PlaybackPrefs {
                speed: faster(self.speed),
                ..self
            },
            PageAction::Slower => PlaybackPrefs {
                speed: slower(self.speed),
                ..self
            },
            PageAction::ToggleCaptions => PlaybackPrefs {
                captions: !self.captions,
                ..self
            },
        }
    }
}

/// What a shortcut does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortcut {
    PlayPause,
    /// Seconds to move, back (negative) or forward.
    Seek(i8),
    Mute,
    Fullscreen,
    /// The actions that change the learner's preferences, handled by the app.
    Page(PageAction),
}

/// Shortcuts that change preferences (the page sends them to the app, which keeps them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PageAction {
    Faster,
    Slower,
    #[serde(rename = "cc")]
    ToggleCaptions,
}

/// The key of a `KeyboardEvent` (`key`, a letter in lower case) → its shortcut. Keys with Ctrl,
/// Alt or Meta are never shortcuts (the page checks that).
pub fn shortcut(key: &str) -> Option<Shortcut> {
    use Shortcut::*;
    Some(match key {
        " " | "k" => PlayPause,
        "ArrowLeft" => Seek(-5),
        "ArrowRight" => Seek(5),
        "j" => Seek(-10),
        "l" => Seek(10),
        "m" => Mute,
        "f" => Fullscreen,
        "c" => Page(PageAction::ToggleCaptions),
        // Shift+, and Shift+. on most keyboards.
        "<" => Page(PageAction::Slower),
        ">" => Page(PageAction::Faster),
        _ => return None,
    })
}

/// Every key [`shortcut`] knows.
const SHORTCUT_KEYS: [&str; 11] = [
    " ",
    "k",
    "ArrowLeft",
    "ArrowRight",
    "j",
    "l",
    "m",
    "f",
    "c",
    "<",
    ">",
];

/// The shortcuts as the learner's help lists them: keys, and what they do.
pub const SHORTCUT_HELP: [(&str, Msg); 7] = [
    ("Space / K", Msg::ShortcutPlayPause),
    ("← / →", Msg::ShortcutSeek5),
    ("J / L", Msg::ShortcutSeek10),
    ("M", Msg::ShortcutMute),
    ("F", Msg::ShortcutFullscreen),
    ("C", Msg::ShortcutCaptions),
    ("Shift + < / >", Msg::ShortcutSpeed),
];

/// The shortcut table for the page: key → `[action, argument]`.
fn shortcut_table() -> String {
    let entries: Vec<String> = SHORTCUT_KEYS
        .iter()
        .filter_map(|&k| {
            let action = match shortcut(k)? {
                Shortcut::PlayPause => "[\"toggle\"]".to_owned(),
                Shortcut::Seek(s) => format!("[\"seek\",{s}]"),
                Shortcut::Mute => "[\"mute\"]".to_owned(),
                Shortcut::Fullscreen => "[\"full\"]".to_owned(),
                Shortcut::Page(PageAction::Faster) => "[\"page\",\"faster\"]".to_owned(),
                Shortcut::Page(PageAction::Slower) => "[\"page\",\"slower\"]".to_owned(),
                Shortcut::Page(PageAction::ToggleCaptions) => "[\"page\",\"cc\"]".to_owned(),
            };
            Some(format!("{}:{action}", serde_json::to_string(k).ok()?))
        })
        .collect();
    format!("{{{}}}", entries.join(","))
}

/// What the page tells the app: `kind` is `playing` (the video plays, again), `ended` (it
/// reached its end), `key` (a shortcut the app handles, in `action`) or `gone` (the video left
/// the page). A flat struct, not a tagged enum: serde's tagged enums would bring their
/// buffering machinery into the web bundle.
#[derive(Debug, Deserialize)]
pub struct FromPage {
    pub kind: String,
    #[serde(default)]
    pub action: Option<PageAction>,
}

/// A `data:` URL holding WebVTT text (percent-encoded: any text is safe in it). Not on the web,
/// which hands the player a `blob:` URL (`platform::caption_src`).
#[cfg_attr(feature = "web", allow(dead_code))]
pub fn vtt_data_url(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3 + 24);
    out.push_str("data:text/vtt;charset=utf-8,");
    for b in text.bytes() {
        // A data URL's body is percent-decoded only (no `+` for space).
        if b.is_ascii_alphanumeric() || b"-_.~:".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The page side of the player, for the video `selector`: applies what the app writes on the
/// video (`data-speed`, and `data-show`: the language of the caption track to show, empty for
/// none) when it changes, and again whenever the media loads (browsers reset the rate on a new source); handles the keyboard
/// shortcuts outside form fields and controls; locks landscape in fullscreen where the platform
/// allows; holds a screen wake lock while playing; reports `playing`, `ended`, the app's
/// shortcuts and `gone`.
pub fn controller_script(selector: &str) -> String {
    let keys = shortcut_table();
    format!(
        r#"
const v = document.querySelector('{selector}');
if (v) {{
  const send = (m) => dioxus.send(m);
  let lock = null;
  const apply = () => {{
    const speed = Number(v.dataset.speed) || 1, show = v.dataset.show;
    v.defaultPlaybackRate = speed; v.playbackRate = speed;
    for (const t of v.textTracks) t.mode = show && t.language === show ? 'showing' : 'hidden';
  }};
  apply();
  new MutationObserver(apply).observe(v, {{ attributes: true, attributeFilter: ['data-speed', 'data-show'] }});
  const wake = () => {{
    if (lock || v.paused || document.hidden || !navigator.wakeLock) return;
    lock = navigator.wakeLock.request('screen').then((l) => {{
      if (lock && !v.paused) {{ lock = l; l.onrelease = () => {{ if (lock === l) lock = null; }}; }}
      else l.release();
    }}, () => {{ lock = null; }});
  }};
  const sleep = () => {{ const l = lock; lock = null; if (l && l.release) l.release().catch(() => {{}}); }};
  v.addEventListener('loadedmetadata', apply);
  v.textTracks.addEventListener('addtrack', apply);
  v.addEventListener('playing', () => {{ wake(); send({{ kind: 'playing' }}); }});
  v.addEventListener('pause', sleep);
  v.addEventListener('ended', () => {{ sleep(); send({{ kind: 'ended' }}); }});
  const box = v.closest('.player') || v;
  const full = () => {{
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {{}});
    else if (box.requestFullscreen) box.requestFullscreen().catch(() => {{}});
    else if (v.webkitEnterFullscreen) v.webkitEnterFullscreen();
  }};
  const onFull = () => {{
    const o = screen.orientation;
    try {{ if (document.fullscreenElement) o.lock('landscape').catch(() => {{}}); else o.unlock(); }} catch (e) {{}}
  }};
  const keys = {keys};
  const FIELDS = 'input,textarea,select,button,a,summary,label,dialog,[contenteditable],[role=button],[role=slider],[role=textbox],[role=combobox],[role=listbox],[role=menuitem],[role=tab],[role=checkbox],[role=radio],[role=switch]';
  const onKey = (e) => {{
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    const t = e.target;
    if (t !== v && t.closest && t.closest(FIELDS)) return;
    const a = keys[e.key.length === 1 ? e.key.toLowerCase() : e.key];
    if (!a) return;
    e.preventDefault();
    if (a[0] === 'toggle') {{ if (v.paused || v.ended) v.play().catch(() => {{}}); else v.pause(); }}
    else if (a[0] === 'seek') {{ const to = v.currentTime + a[1]; v.currentTime = Math.max(0, isFinite(v.duration) ? Math.min(to, v.duration) : to); }}
    else if (a[0] === 'mute') v.muted = !v.muted;
    else if (a[0] === 'full') full();
    else send({{ kind: 'key', action: a[1] }});
  }};
  const onVisible = () => {{ if (document.hidden) sleep(); else wake(); }};
  document.addEventListener('keydown', onKey);
  document.addEventListener('fullscreenchange', onFull);
  document.addEventListener('visibilitychange', onVisible);
  new MutationObserver((_, obs) => {{
    if (v.isConnected) return;
    obs.disconnect(); sleep();
    document.removeEventListener('keydown', onKey);
    document.removeEventListener('fullscreenchange', onFull);
    document.removeEventListener('visibilitychange', onVisible);
    send({{ kind: 'gone' }});
  }}).observe(document.body, {{ childList: true, subtree: true }});
}}
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speeds_step_within_the_offered_range() {
        assert_eq!(faster(1.0), 1.25);
        assert_eq!(faster(1.75), 2.0);
        assert_eq!(faster(2.0), 2.0);
        assert_eq!(slower(1.0), 0.75);
        assert_eq!(slower(0.75), 0.75);
        assert_eq!(slower(1.3), 1.0, "an odd value snaps first");
        assert_eq!(snap_speed(f64::NAN), 1.0);
        assert_eq!(snap_speed(100.0), 2.0);
        assert_eq!(snap_speed(-3.0), 0.75);
        assert_eq!(speed_label(1.25), "1.25×");
        assert_eq!(speed_label(1.0), "1×");
    }

    #[test]
    fn preferences_survive_their_text_and_garbage_keeps_defaults() {
        let prefs = PlaybackPrefs {
            speed: 1.75,
            captions: true,
        };
        assert_eq!(PlaybackPrefs::from_text(&prefs.to_text()), prefs);
        assert_eq!(PlaybackPrefs::from_text(""), PlaybackPrefs::default());
        assert_eq!(
            PlaybackPrefs::from_text("speed=9;captions=yes;x=1"),
            PlaybackPrefs {
                speed: 1.0,
                captions: false
            }
        );
        assert_eq!(PlaybackPrefs::from_text("speed=abc").speed, 1.0);
        assert_eq!(
            PlaybackPrefs::from_text("speed=1.50").speed,
            1.0,
            "only the offered text"
        );
        assert_eq!(PlaybackPrefs::from_text(" speed=0.75 ").speed, 0.75);
        let p = PlaybackPrefs::default();
        assert_eq!(p.after(PageAction::Faster).speed, 1.25);
        assert_eq!(p.after(PageAction::Slower).speed, 0.75);
        assert!(p.after(PageAction::ToggleCaptions).captions);
    }

    #[test]
    fn shortcuts_map_keys_and_nothing_else() {
        use Shortcut::*;
        assert_eq!(shortcut(" "), Some(PlayPause));
        assert_eq!(shortcut("k"), Some(PlayPause));
        assert_eq!(shortcut("ArrowLeft"), Some(Seek(-5)));
        assert_eq!(shortcut("ArrowRight"), Some(Seek(5)));
        assert_eq!(shortcut("j"), Some(Seek(-10)));
        assert_eq!(shortcut("l"), Some(Seek(10)));
        assert_eq!(shortcut("m"), Some(Mute));
        assert_eq!(shortcut("f"), Some(Fullscreen));
        assert_eq!(shortcut("c"), Some(Page(PageAction::ToggleCaptions)));
        assert_eq!(shortcut("<"), Some(Page(PageAction::Slower)));
        assert_eq!(shortcut(">"), Some(Page(PageAction::Faster)));
        for other in ["Enter", "Tab", "ArrowUp", "a", "K", "Escape", ""] {
            assert_eq!(shortcut(other), None, "{other:?}");
        }
        // The page's table holds every shortcut, and only those.
        let table: serde_json::Value = serde_json::from_str(&shortcut_table()).unwrap();
        assert_eq!(table.as_object().unwrap().len(), SHORTCUT_KEYS.len());
        assert_eq!(table["ArrowRight"], serde_json::json!(["seek", 5]));
        assert_eq!(table[">"], serde_json::json!(["page", "faster"]));
        assert_eq!(table["c"], serde_json::json!(["page", "cc"]));
    }

    #[test]
    fn page_messages_decode() {
        let key: FromPage = serde_json::from_str(r#"{"kind":"key","action":"cc"}"#).unwrap();
        assert_eq!(
            (key.kind.as_str(), key.action),
            ("key", Some(PageAction::ToggleCaptions))
        );
        let ended: FromPage = serde_json::from_str(r#"{"kind":"ended"}"#).unwrap();
        assert_eq!((ended.kind.as_str(), ended.action), ("ended", None));
        let odd = r#"{"kind":"key","action":"rewind"}"#;
        assert!(serde_json::from_str::<FromPage>(odd).is_err());
        assert_eq!(speed_at("2"), Some(1.25));
        assert_eq!(speed_at("6"), None);
        assert_eq!(speed_at("-1"), None);
        assert_eq!(speed_at("1.5"), None);
    }

    #[test]
    fn captions_become_a_data_url_that_keeps_every_byte() {
        let vtt = "WEBVTT\n\n00:00.000 --> 00:01.000\n<b>臨床</b> 100% & \"x\"#\n";
        let url = vtt_data_url(vtt);
        let body = url.strip_prefix("data:text/vtt;charset=utf-8,").unwrap();
        assert!(!body.contains(['<', '"', '#', '\n', ' ', '+']), "{body}");
        // Decode as a browser would.
        let mut bytes = Vec::new();
        let raw = body.as_bytes();
        let mut i = 0;
        while i < raw.len() {
            match raw[i] {
                b'%' => {
                    let hex = std::str::from_utf8(&raw[i + 1..i + 3]).unwrap();
                    bytes.push(u8::from_str_radix(hex, 16).unwrap());
                    i += 3;
                }
                b => {
                    bytes.push(b);
                    i += 1;
                }
            }
        }
        assert_eq!(String::from_utf8(bytes).unwrap(), vtt);
    }
}
