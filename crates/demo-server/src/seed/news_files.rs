//! The files announcements and course pages carry, made in code so the demo needs no binary
//! assets: facility logos and a schedule chart (PNG), a course guide (PDF) and a contact list
//! (plain text). Each is real: a browser, an image decoder or a PDF reader opens it.

/// A stored file's name, type and bytes.
#[derive(Debug, Clone)]
pub(crate) struct FileData {
    pub(crate) filename: &'static str,
    pub(crate) mimetype: &'static str,
    pub(crate) bytes: Vec<u8>,
}

/// An RGB colour.
type Rgb = [u8; 3];

/// A facility's logo: its colour with a white badge holding a cross, and three white bars
/// standing for the name. 240×120, palette PNG.
pub(crate) fn logo(filename: &'static str, colour: Rgb) -> FileData {
    const WHITE: u8 = 1;
    const BACKGROUND: u8 = 0;
    const CROSS: u8 = 2;
    let palette = [colour, [255, 255, 255], darker(colour)];
    let bytes = png(240, 120, &palette, |x, y| {
        let (dx, dy) = (x as i64 - 60, y as i64 - 60);
        let in_badge = dx * dx + dy * dy <= 40 * 40;
        let in_cross = (dx.abs() <= 8 && dy.abs() <= 26) || (dy.abs() <= 8 && dx.abs() <= 26);
        let bar = |top: u32, length: u32| {
            (118..118 + length).contains(&x) && (top..top + 12).contains(&y)
        };
        if in_badge && in_cross {
            CROSS
        } else if in_badge || bar(34, 100) || bar(54, 84) || bar(74, 64) {
            WHITE
        } else {
            BACKGROUND
        }
    });
    FileData {
        filename,
        mimetype: "image/png",
        bytes,
    }
}

fn darker([r, g, b]: Rgb) -> Rgb {
    [r / 2, g / 2, b / 2]
}

/// A year's schedule as a bar chart: four phases across twelve months. 480×200, palette PNG.
pub(crate) fn schedule_chart(filename: &'static str) -> FileData {
    let palette = [
        [255, 255, 255],
        [180, 180, 180],
        [15, 108, 191],
        [17, 166, 118],
        [247, 99, 77],
        [235, 102, 162],
    ];
    // (first month, months) of each phase, April = 0.
    let phases = [(0u32, 3u32), (2, 6), (6, 4), (10, 2)];
    let bytes = png(480, 200, &palette, |x, y| {
        let (left, month_width) = (24, 36);
        if y == 180 && x >= left || (x == left && y <= 180) {
            return 1;
        }
        if x > left && y < 180 && (x - left) % month_width == 0 && y % 6 < 3 {
            return 1;
        }
        for (row, (start, months)) in phases.iter().enumerate() {
            let top = 24 + row as u32 * 38;
            let from = left + start * month_width;
            if (top..top + 24).contains(&y) && (from..from + months * month_width).contains(&x) {
                return 2 + row as u8;
            }
        }
        0
    });
    FileData {
        filename,
        mimetype: "image/png",
        bytes,
    }
}

/// A one-page course guide. The built-in fonts have no Japanese, so the page is in English;
/// the file name and the announcement around it are Japanese.
pub(crate) fn guide_pdf(filename: &'static str, facility: &str, lines: &[&str]) -> FileData {
    let mut text = String::from("BT /F1 18 Tf 56 780 Td (ICRweb FY2025 facility course guide) Tj ");
    text.push_str(&format!(
        "0 -28 Td /F1 12 Tf ({}) Tj ",
        pdf_escape(facility)
    ));
    for line in lines {
        text.push_str(&format!("0 -20 Td ({}) Tj ", pdf_escape(line)));
    }
    text.push_str("ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
         /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
            .to_owned(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{text}\nendstream", text.len()),
    ];
    let mut pdf = String::from("%PDF-1.4\n");
    let mut offsets = Vec::with_capacity(objects.len());
    for (index, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.push_str(&format!("{} 0 obj\n{body}\nendobj\n", index + 1));
    }
    let xref = pdf.len();
    pdf.push_str(&format!(
        "xref\n0 {}\n0000000000 65535 f \n",
        objects.len() + 1
    ));
    for offset in offsets {
        pdf.push_str(&format!("{offset:010} 00000 n \n"));
    }
    pdf.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    FileData {
        filename,
        mimetype: "application/pdf",
        bytes: pdf.into_bytes(),
    }
}

/// Text for a PDF string literal: printable ASCII, with `\`, `(` and `)` escaped.
fn pdf_escape(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii() && !c.is_ascii_control())
        .flat_map(|c| match c {
            '\\' | '(' | ')' => vec!['\\', c],
            other => vec![other],
        })
        .collect()
}

/// A UTF-8 text file (Moodle serves `text/plain` without byte ranges).
pub(crate) fn text(filename: &'static str, body: &str) -> FileData {
    FileData {
        filename,
        mimetype: "text/plain",
        bytes: body.as_bytes().to_vec(),
    }
}

/// An 8-bit palette PNG whose pixels `pixel(x, y)` picks from `palette`, compressed with
/// stored (uncompressed) deflate blocks: small images, no compression library.
fn png(width: u32, height: u32, palette: &[Rgb], pixel: impl Fn(u32, u32) -> u8) -> Vec<u8> {
    let mut raw = Vec::with_capacity(((width + 1) * height) as usize);
    for y in 0..height {
        raw.push(0); // filter: none
        raw.extend((0..width).map(|x| pixel(x, y)));
    }
    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 3, 0, 0, 0]); // depth 8, palette, deflate, no filter, no interlace
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &header);
    chunk(&mut out, b"PLTE", &palette.concat());
    chunk(&mut out, b"IDAT", &zlib_stored(&raw));
    chunk(&mut out, b"IEND", &[]);
    out
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// A zlib stream of stored deflate blocks (RFC 1950/1951).
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = data.chunks(65_535).collect();
    for (index, block) in blocks.iter().enumerate() {
        out.push(u8::from(index + 1 == blocks.len()));
        let len = block.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

/// CRC-32 (IEEE), bit by bit: only a few small images are made, once per start.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_match_their_standards() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
    }

    #[test]
    fn pngs_have_a_valid_structure() {
        let logo = logo("logo.png", [15, 108, 191]);
        assert!(logo.bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
        // IHDR: 240 × 120, palette.
        assert_eq!(&logo.bytes[12..16], b"IHDR");
        assert_eq!(&logo.bytes[16..24], &[0, 0, 0, 240, 0, 0, 0, 120]);
        assert!(
            logo.bytes
                .ends_with(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82])
        );
        // Every chunk's CRC checks.
        let mut at = 8;
        while at < logo.bytes.len() {
            let len = u32::from_be_bytes(logo.bytes[at..at + 4].try_into().unwrap()) as usize;
            let body = &logo.bytes[at + 4..at + 8 + len];
            let crc =
                u32::from_be_bytes(logo.bytes[at + 8 + len..at + 12 + len].try_into().unwrap());
            assert_eq!(crc32(body), crc);
            at += 12 + len;
        }
        assert_eq!(at, logo.bytes.len());
    }

    #[test]
    fn the_pdf_cross_reference_points_at_its_objects() {
        let pdf = guide_pdf("guide.pdf", "Hospital (A)", &["Deadline: 2026-03-31"]);
        let text = String::from_utf8(pdf.bytes).unwrap();
        assert!(text.starts_with("%PDF-1.4\n") && text.ends_with("%%EOF\n"));
        assert!(text.contains("(Hospital \\(A\\)) Tj"));
        let xref: usize = text
            .rsplit("startxref\n")
            .next()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(text[xref..].starts_with("xref\n0 6\n"));
        for (index, line) in text[xref..].lines().skip(3).take(5).enumerate() {
            let offset: usize = line[..10].parse().unwrap();
            assert!(
                text[offset..].starts_with(&format!("{} 0 obj", index + 1)),
                "{line}"
            );
        }
    }
}
