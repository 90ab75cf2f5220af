//! Recognising a file by its first bytes. `Content-Type` headers lie (a storage bucket's error
//! page, a CDN's `text/plain`), so only the bytes decide what a file is.

use super::OutputError;

/// What the first bytes say a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    Png,
    Jpeg,
    WebP,
    Gif,
    Mp4,
    WebM,
}

impl Sniffed {
    pub fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpeg => "jpg",
            Self::WebP => "webp",
            Self::Gif => "gif",
            Self::Mp4 => "mp4",
            Self::WebM => "webm",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::WebP => "image/webp",
            Self::Gif => "image/gif",
            Self::Mp4 => "video/mp4",
            Self::WebM => "video/webm",
        }
    }

    /// A still (or GIF) picture this app decodes, as opposed to a video it only keeps.
    pub fn is_image(self) -> bool {
        self.image_format().is_some()
    }

    pub(crate) fn image_format(self) -> Option<image::ImageFormat> {
        match self {
            Self::Png => Some(image::ImageFormat::Png),
            Self::Jpeg => Some(image::ImageFormat::Jpeg),
            Self::WebP => Some(image::ImageFormat::WebP),
            Self::Gif => Some(image::ImageFormat::Gif),
            Self::Mp4 | Self::WebM => None,
        }
    }
}

/// Names the kind of `head` (a file's first bytes; 512 are plenty), or says in words what it is
/// when this app refuses it.
pub fn sniff(head: &[u8]) -> Result<Sniffed, OutputError> {
    let starts = |magic: &[u8]| head.starts_with(magic);
    if starts(b"\x89PNG\r\n\x1a\n") {
        Ok(Sniffed::Png)
    } else if starts(&[0xFF, 0xD8, 0xFF]) {
        Ok(Sniffed::Jpeg)
    } else if head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        Ok(Sniffed::WebP)
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Ok(Sniffed::Gif)
    } else if head.len() >= 8 && &head[4..8] == b"ftyp" {
        Ok(Sniffed::Mp4)
    } else if starts(&[0x1A, 0x45, 0xDF, 0xA3]) {
        Ok(Sniffed::WebM)
    } else {
        let text = String::from_utf8_lossy(&head[..head.len().min(256)]).to_ascii_lowercase();
        let what = if text.contains("<svg") {
            "an SVG drawing"
        } else if text.contains("<html") || text.contains("<!doctype") {
            "a web page"
        } else {
            "an unknown kind of file"
        };
        Err(OutputError::Unsupported(what.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_bytes_and_names_what_it_refuses() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n....").unwrap(), Sniffed::Png);
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 ").unwrap(), Sniffed::WebP);
        assert_eq!(sniff(b"\0\0\0\x18ftypmp42").unwrap(), Sniffed::Mp4);
        assert!(!Sniffed::Mp4.is_image() && Sniffed::Gif.is_image());
        let svg = sniff(b"<?xml version=\"1.0\"?><svg xmlns=").unwrap_err();
        assert_eq!(svg, OutputError::Unsupported("an SVG drawing".into()));
        let html = sniff(b"<!DOCTYPE html><html>").unwrap_err();
        assert_eq!(html, OutputError::Unsupported("a web page".into()));
        let other = sniff(b"%PDF-1.7").unwrap_err();
        assert_eq!(
            other,
            OutputError::Unsupported("an unknown kind of file".into())
        );
    }
}
