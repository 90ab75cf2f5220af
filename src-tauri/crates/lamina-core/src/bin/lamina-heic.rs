//! Decodes one HEIC/HEIF photo for the app and the CLI (`lamina_core::storage`'s `heic.rs`), in a
//! process of its own. Two reasons: the programs that convert photos don't link the system
//! libheif, which would be loaded with all its codecs at every start (Debian's pulls in libx265,
//! 16 MB, and libde265: ~80 ms of the app's start with a cold disk); and a photo that crashes the
//! decoder crashes only this process, not the app.
//!
//! stdin: the file's bytes. stdout: one line `<width> <height> <channels> <metadata>` (channels 3
//! or 4, metadata 1 when the file carried EXIF or XMP), then `width × height × channels` bytes of
//! interleaved RGB(A) rows, upright (libheif applies the file's rotation, mirroring and crop).
//! On failure: the reason on stderr and exit status 1; not Linux: exit status 2.

#[cfg(target_os = "linux")]
fn main() -> std::process::ExitCode {
    use std::io::{Read, Write};

    let mut source = Vec::new();
    if let Err(error) = std::io::stdin().read_to_end(&mut source) {
        eprintln!("could not read the photo: {error}");
        return std::process::ExitCode::FAILURE;
    }
    match decode(&source) {
        Ok(decoded) => {
            let mut out = std::io::stdout().lock();
            let written = out
                .write_all(decoded.header().as_bytes())
                .and_then(|()| out.write_all(&decoded.pixels))
                .and_then(|()| out.flush());
            match written {
                Ok(()) => std::process::ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("could not hand the pixels over: {error}");
                    std::process::ExitCode::FAILURE
                }
            }
        }
        Err(reason) => {
            eprintln!("{reason}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn main() -> std::process::ExitCode {
    eprintln!("HEIC photos are converted through libheif on Linux only");
    std::process::ExitCode::from(2)
}

#[cfg(target_os = "linux")]
struct Decoded {
    width: u32,
    height: u32,
    channels: usize,
    had_metadata: bool,
    pixels: Vec<u8>,
}

#[cfg(target_os = "linux")]
impl Decoded {
    fn header(&self) -> String {
        format!(
            "{} {} {} {}\n",
            self.width,
            self.height,
            self.channels,
            u8::from(self.had_metadata)
        )
    }
}

#[cfg(target_os = "linux")]
fn decode(source: &[u8]) -> Result<Decoded, String> {
    use libheif_rs::{ColorSpace, HeifContext, LibHeif, RgbChroma};

    let context = HeifContext::read_from_bytes(source).map_err(|e| e.to_string())?;
    let handle = context.primary_image_handle().map_err(|e| e.to_string())?;
    let had_metadata = handle.number_of_metadata_blocks(b"Exif") > 0
        || handle.number_of_metadata_blocks(b"mime") > 0;
    let alpha = handle.has_alpha_channel();
    let chroma = if alpha {
        RgbChroma::Rgba
    } else {
        RgbChroma::Rgb
    };
    let decoded = LibHeif::new()
        .decode(&handle, ColorSpace::Rgb(chroma), None)
        .map_err(|e| e.to_string())?;
    let plane = decoded
        .planes()
        .interleaved
        .ok_or("no interleaved RGB plane after decoding")?;
    let channels = if alpha { 4 } else { 3 };
    let row = plane.width as usize * channels;
    // Rows are `stride` apart (libheif pads them); keep `row` bytes of each.
    let mut pixels = Vec::with_capacity(row * plane.height as usize);
    for y in 0..plane.height as usize {
        let start = y * plane.stride;
        let line = plane
            .data
            .get(start..start + row)
            .ok_or("decoded plane shorter than its size")?;
        pixels.extend_from_slice(line);
    }
    Ok(Decoded {
        width: plane.width,
        height: plane.height,
        channels,
        had_metadata,
        pixels,
    })
}
