//! Decoding while the download streams. The download appends each chunk it receives to a shared
//! buffer; a decoder on a blocking thread reads from that buffer, waiting when it catches up.
//! A generated PNG is therefore mostly decoded by the time its last byte arrives, and its
//! thumbnail follows a few milliseconds later instead of a whole decode later.
//!
//! This is only a head start: whatever it concludes, a file it could not decode is decoded
//! again from disk by the ordinary path, which gives the canonical reason for refusing it.

use std::io::{BufReader, Read, Seek, SeekFrom};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use super::{OutputLimits, Sniffed, decode, sniff, thumbnail};

/// What the head start produced: the picture's size and its thumbnail (if one could be made).
pub(crate) struct EarlyDecode {
    pub dimensions: (u32, u32),
    pub thumbnail: Option<thumbnail::Thumbnail>,
}

#[derive(Default)]
struct State {
    data: Vec<u8>,
    /// `Some(true)`: every byte is here; `Some(false)`: the download failed.
    ended: Option<bool>,
    /// The decoder has stopped reading: further bytes need not be kept in memory.
    reader_gone: bool,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A poisoned lock only means another thread panicked mid-copy; the bytes are still bytes.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The download's end of the buffer. Dropping it without [`Arrivals::finish`] tells the decoder
/// the download failed, so the decoder never waits forever.
pub(crate) struct Arrivals {
    shared: Arc<Shared>,
}

impl Arrivals {
    pub fn push(&self, chunk: &[u8]) {
        let mut state = self.shared.lock();
        if state.reader_gone {
            return;
        }
        state.data.extend_from_slice(chunk);
        drop(state);
        self.shared.changed.notify_all();
    }

    pub fn finish(self) {
        self.end(true);
    }

    fn end(&self, complete: bool) {
        let mut state = self.shared.lock();
        state.ended.get_or_insert(complete);
        drop(state);
        self.shared.changed.notify_all();
    }
}

impl Drop for Arrivals {
    fn drop(&mut self) {
        self.end(false);
    }
}

/// The decoder's end: a blocking reader over the bytes received so far.
struct ArrivalsReader {
    shared: Arc<Shared>,
    position: usize,
}

impl Read for ArrivalsReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut state = self.shared.lock();
        loop {
            if state.data.len() > self.position {
                let available = &state.data[self.position..];
                let n = available.len().min(buf.len());
                buf[..n].copy_from_slice(&available[..n]);
                self.position += n;
                return Ok(n);
            }
            match state.ended {
                Some(true) => return Ok(0),
                Some(false) => return Err(std::io::Error::other("the download failed")),
                None => {
                    state = self
                        .shared
                        .changed
                        .wait(state)
                        .unwrap_or_else(|e| e.into_inner());
                }
            }
        }
    }
}

impl Seek for ArrivalsReader {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        let target = match to {
            SeekFrom::Start(at) => Some(at),
            SeekFrom::Current(by) => (self.position as u64).checked_add_signed(by),
            SeekFrom::End(by) => {
                let mut state = self.shared.lock();
                while state.ended.is_none() {
                    state = self
                        .shared
                        .changed
                        .wait(state)
                        .unwrap_or_else(|e| e.into_inner());
                }
                (state.data.len() as u64).checked_add_signed(by)
            }
        };
        let target = target.ok_or_else(|| std::io::Error::other("seek before the start"))?;
        self.position = usize::try_from(target).map_err(std::io::Error::other)?;
        Ok(target)
    }
}

impl Drop for ArrivalsReader {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        state.reader_gone = true;
        // The bytes are on disk as well; the decoder no longer needs its copy.
        state.data = Vec::new();
    }
}

/// A buffer for one download and the blocking job that decodes from it. The job returns `None`
/// when the file is not a PNG (other formats are decoded from disk once complete) or when the
/// head start failed for any reason.
pub(crate) fn start(limits: OutputLimits) -> (Arrivals, impl FnOnce() -> Option<EarlyDecode>) {
    let shared = Arc::new(Shared::default());
    let arrivals = Arrivals {
        shared: shared.clone(),
    };
    let job = move || {
        let mut reader = ArrivalsReader {
            shared,
            position: 0,
        };
        let mut head = [0u8; 16];
        reader.read_exact(&mut head).ok()?;
        if sniff(&head).ok()? != Sniffed::Png {
            return None;
        }
        reader.seek(SeekFrom::Start(0)).ok()?;
        let pixels = decode::decode_png_stream(BufReader::new(reader), &limits).ok()?;
        let dimensions = (pixels.width, pixels.height);
        let thumbnail = thumbnail::thumbnail_of(pixels).ok();
        Some(EarlyDecode {
            dimensions,
            thumbnail,
        })
    };
    (arrivals, job)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x * 7) as u8, (y * 3) as u8, (x ^ y) as u8])
        });
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(image)
            .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn decodes_a_png_that_arrives_in_small_pieces() {
        let bytes = png(900, 600);
        let (arrivals, job) = start(OutputLimits::default());
        let decoding = std::thread::spawn(job);
        for chunk in bytes.chunks(1000) {
            arrivals.push(chunk);
        }
        arrivals.finish();
        let early = decoding.join().unwrap().expect("decoded");
        assert_eq!(early.dimensions, (900, 600));
        let thumbnail = early.thumbnail.unwrap();
        assert_eq!((thumbnail.width, thumbnail.height), (512, 341));
    }

    #[test]
    fn gives_up_when_the_download_fails_or_the_picture_is_cut_short() {
        let bytes = png(300, 200);
        // The download breaks off: the reader is told, and the job ends.
        let (arrivals, job) = start(OutputLimits::default());
        let decoding = std::thread::spawn(job);
        arrivals.push(&bytes[..bytes.len() / 2]);
        drop(arrivals);
        assert!(decoding.join().unwrap().is_none());
        // The download completes, but the file itself is cut short.
        let (arrivals, job) = start(OutputLimits::default());
        arrivals.push(&bytes[..bytes.len() / 2]);
        arrivals.finish();
        assert!(job().is_none());
    }

    #[test]
    fn leaves_other_formats_to_the_ordinary_path() {
        let (arrivals, job) = start(OutputLimits::default());
        arrivals.push(b"\xFF\xD8\xFF\xE0 a jpeg, say, with enough bytes");
        arrivals.finish();
        assert!(job().is_none());
    }
}
