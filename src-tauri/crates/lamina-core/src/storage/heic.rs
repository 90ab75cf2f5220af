//! HEIC/HEIF photos (what iPhones take) decoded to pixels, to be re-encoded as JPEG before upload.
//!
//! On Linux through the system libheif, in the `lamina-heic` helper process (src/bin/lamina-heic.rs
//! says why), installed next to the program that converts (the app's package puts it beside
//! `lamina-desktop`; a build leaves it in the target folder). libheif applies the file's rotation,
//! mirroring and crop transforms while decoding, so the picture comes out upright; the JPEG made
//! from the pixels carries none of the file's metadata. Elsewhere, or without the helper, HEIC is
//! refused in words.

use image::DynamicImage;

use super::prepare::PrepareError;

/// The helper's file name.
#[cfg(target_os = "linux")]
const HELPER: &str = "lamina-heic";

/// The picture, upright, and whether the file carried metadata (EXIF or XMP) that is not kept.
#[cfg(target_os = "linux")]
pub(super) fn decode(source: &[u8]) -> Result<(DynamicImage, bool), PrepareError> {
    use std::io::Write;
    use std::process::{Command, Stdio};

    let unreadable = |detail: String| PrepareError::Unreadable {
        detail: format!("HEIC: {detail}"),
    };
    let Some(helper) = helper_path() else {
        tracing::warn!("no {HELPER} next to this program: HEIC photos are refused");
        return Err(PrepareError::Heic);
    };
    let mut child = Command::new(&helper)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| {
            tracing::warn!(%error, helper = %helper.display(), "could not start the HEIC helper");
            PrepareError::Heic
        })?;
    let stdin = child.stdin.take();
    // The photo goes in while the pixels come out, so neither pipe fills up and waits.
    let output = std::thread::scope(|scope| {
        scope.spawn(move || {
            if let Some(mut stdin) = stdin {
                // A helper that stops reading early says why on stderr.
                let _ = stdin.write_all(source);
            }
        });
        child.wait_with_output()
    })
    .map_err(|error| unreadable(format!("the converter stopped: {error}")))?;
    if !output.status.success() {
        let reason = String::from_utf8_lossy(&output.stderr).trim().to_owned();
        return Err(unreadable(if reason.is_empty() {
            format!("the converter stopped ({})", output.status)
        } else {
            reason
        }));
    }
    let (image, had_metadata) = from_helper(&output.stdout).map_err(unreadable)?;
    Ok((image, had_metadata))
}

/// `lamina-heic` beside this program, or one folder up (tests run from `target/<profile>/deps`).
#[cfg(target_os = "linux")]
fn helper_path() -> Option<std::path::PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?;
    [
        Some(dir.join(HELPER)),
        dir.parent().map(|up| up.join(HELPER)),
    ]
    .into_iter()
    .flatten()
    .find(|path| path.is_file())
}

/// The picture from the helper's answer: `<width> <height> <channels> <metadata>\n` + pixels.
#[cfg(target_os = "linux")]
fn from_helper(answer: &[u8]) -> Result<(DynamicImage, bool), String> {
    let malformed = || "the converter's answer is malformed".to_string();
    let split = answer
        .iter()
        .position(|&b| b == b'\n')
        .ok_or_else(malformed)?;
    let header = std::str::from_utf8(&answer[..split]).map_err(|_| malformed())?;
    let pixels = answer[split + 1..].to_vec();
    let fields: Vec<u32> = header
        .split(' ')
        .map(str::parse)
        .collect::<Result<_, _>>()
        .map_err(|_| malformed())?;
    let [width, height, channels, metadata] = fields[..] else {
        return Err(malformed());
    };
    let image = match channels {
        3 => image::RgbImage::from_raw(width, height, pixels).map(DynamicImage::ImageRgb8),
        4 => image::RgbaImage::from_raw(width, height, pixels).map(DynamicImage::ImageRgba8),
        _ => return Err(malformed()),
    };
    let image = image.ok_or("decoded size does not match its pixels")?;
    Ok((image, metadata == 1))
}

#[cfg(not(target_os = "linux"))]
pub(super) fn decode(_source: &[u8]) -> Result<(DynamicImage, bool), PrepareError> {
    Err(PrepareError::Heic)
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn the_helpers_answer_is_read_and_checked() {
        let mut answer = b"2 1 3 1\n".to_vec();
        answer.extend_from_slice(&[255, 0, 0, 0, 0, 255]);
        let (image, had_metadata) = from_helper(&answer).expect("read");
        assert_eq!((image.width(), image.height()), (2, 1));
        assert!(had_metadata);
        assert_eq!(image.to_rgb8().get_pixel(1, 0).0, [0, 0, 255]);

        for bad in [
            &b"2 1 3 1\n\x00\x01"[..],
            b"2 1 5 0\n",
            b"2 1 3\n",
            b"no header",
            b"-2 1 3 0\n",
        ] {
            assert!(from_helper(bad).is_err(), "{bad:?}");
        }
    }
}
