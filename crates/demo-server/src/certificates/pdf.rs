//! A certificate's PDF: an A4 landscape page with the learner's name, the course, the unit,
//! the issue date, the expiry and the verification code, drawn with krilla.
//!
//! The text is set in Noto Sans CJK JP, read from Debian's `fonts-noto-cjk` (which `cargo xtask`
//! installs with the other system packages); krilla embeds only the glyphs a certificate uses,
//! so a PDF is a few tens of kilobytes. `JUKO_CERT_FONT` may name another font file
//! (`path` or `path#index` for a collection).

use std::sync::{Arc, OnceLock};

use krilla::Document;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::Stroke;
use krilla::text::{Font, TextDirection};

/// Where Debian's `fonts-noto-cjk` puts the font; index 0 of the collection is Japanese.
const DEFAULT_FONT: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
const FONT_ENV: &str = "JUKO_CERT_FONT";

// A4 landscape, in points.
const WIDTH: f32 = 842.0;
const HEIGHT: f32 = 595.0;

/// What one certificate says.
#[derive(Debug, Clone)]
pub(crate) struct Content {
    pub(crate) title: String,
    pub(crate) learner: String,
    pub(crate) course: String,
    pub(crate) unit: String,
    /// Already formatted dates (`2026年11月29日`).
    pub(crate) issued: String,
    pub(crate) expires: Option<String>,
    pub(crate) code: String,
    pub(crate) verify_url: String,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum PdfError {
    #[error("no font for certificates ({0}); install Debian's fonts-noto-cjk or set {FONT_ENV}")]
    Font(String),
    #[error("could not write the certificate PDF: {0}")]
    Write(String),
}

/// The font, read once per process.
fn font() -> Result<Font, PdfError> {
    static FONT: OnceLock<Result<Font, String>> = OnceLock::new();
    FONT.get_or_init(|| {
        let spec = std::env::var(FONT_ENV).unwrap_or_else(|_| DEFAULT_FONT.to_owned());
        let (path, index) = match spec.rsplit_once('#') {
            Some((path, index)) => (path.to_owned(), index.parse().unwrap_or(0)),
            None => (spec.clone(), 0),
        };
        let data = std::fs::read(&path).map_err(|e| format!("{path}: {e}"))?;
        Font::new(Arc::new(data).into(), index).ok_or_else(|| format!("{path}: not a font"))
    })
    .clone()
    .map_err(PdfError::Font)
}

/// Draws the certificate.
pub(crate) fn render(content: &Content) -> Result<Vec<u8>, PdfError> {
    let font = font()?;
    let mut document = Document::new();
    let settings = PageSettings::from_wh(WIDTH, HEIGHT)
        .ok_or_else(|| PdfError::Write("page size".to_owned()))?;
    let mut page = document.start_page_with(settings);
    let mut surface = page.surface();

    // A double frame.
    for (inset, width) in [(24.0, 3.0), (34.0, 1.0)] {
        let mut path = PathBuilder::new();
        if let Some(rect) = Rect::from_xywh(inset, inset, WIDTH - 2.0 * inset, HEIGHT - 2.0 * inset)
        {
            path.push_rect(rect);
        }
        if let Some(path) = path.finish() {
            surface.set_fill(None);
            surface.set_stroke(Some(Stroke {
                width,
                ..Stroke::default()
            }));
            surface.draw_path(&path);
        }
    }
    surface.set_stroke(None);
    surface.set_fill(Some(krilla::paint::Fill::default()));

    let mut centred = |text: &str, size: f32, y: f32| {
        let x = ((WIDTH - approximate_width(text, size)) / 2.0).max(48.0);
        surface.draw_text(
            Point::from_xy(x, y),
            font.clone(),
            size,
            text,
            false,
            TextDirection::Auto,
        );
    };
    centred(&content.title, 40.0, 120.0);
    centred(&format!("{} 殿", content.learner), 26.0, 190.0);
    centred(
        "あなたは下記の講座を修了したことを証明します。",
        15.0,
        240.0,
    );
    centred(&content.course, 15.0, 285.0);
    centred(&content.unit, 20.0, 320.0);
    centred(&format!("発行日　{}", content.issued), 14.0, 385.0);
    if let Some(expires) = &content.expires {
        centred(&format!("有効期限　{expires}"), 14.0, 410.0);
    }
    centred(&format!("検証コード　{}", content.code), 14.0, 450.0);
    centred(&content.verify_url, 9.0, 540.0);
    surface.finish();
    page.finish();

    document.set_metadata(
        Metadata::new()
            .title(content.title.clone())
            .language("ja".to_owned())
            .creator("Juko demo server (mod_customcert)".to_owned()),
    );
    document
        .finish()
        .map_err(|e| PdfError::Write(format!("{e:?}")))
}

/// Text width for centring: CJK glyphs are one em, Latin about half (Noto Sans CJK's
/// proportional Latin averages a little over half an em).
fn approximate_width(text: &str, size: f32) -> f32 {
    text.chars()
        .map(|c| if c.is_ascii() { 0.55 } else { 1.0 })
        .sum::<f32>()
        * size
}
