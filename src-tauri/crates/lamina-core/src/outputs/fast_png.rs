//! A pipelined decoder for the PNGs the service makes (8-bit RGB or RGBA, not interlaced): this
//! thread inflates the image data (`fdeflate`) while a second one verifies the chunk checksums
//! and unfilters rows as they arrive. On two cores the decode then costs about the inflate alone,
//! where `image`'s decoder (and `zune-png`, slower still on such files) does both in turn. Every
//! other PNG is left to `image`. Validation is as strict as `image`'s: every chunk's CRC, the
//! deflate stream, filter types and the exact amount of data are checked.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use super::OutputError;
use super::decode::DecodedImage;
use super::unfilter::unfilter_line;

/// Deflate's back-reference window: kept at the start of each new output buffer.
const WINDOW: usize = 32 * 1024;
/// New output per buffer handed to the unfiltering thread.
const CHUNK: usize = 512 * 1024;
/// Buffers in flight: bounds the memory the two threads use beside the picture.
const IN_FLIGHT: usize = 8;

/// A PNG this decoder handles, its chunks located.
pub(crate) struct Layout<'a> {
    width: usize,
    height: usize,
    channels: usize,
    /// (type and data, CRC) of every chunk, for the checksum pass.
    chunks: Vec<(&'a [u8], u32)>,
    idat: Vec<&'a [u8]>,
}

/// Locates the chunks; `None` when the PNG is not 8-bit RGB(A) without interlacing or
/// transparency chunk (then `image` decodes it). A broken chunk layout is an error.
pub(crate) fn layout(data: &[u8]) -> Result<Option<Layout<'_>>, OutputError> {
    let mut at = 8;
    let mut found: Option<Layout> = None;
    while at < data.len() {
        let cut = || damaged("the file ends too early");
        let header = data.get(at..at + 8).ok_or_else(cut)?;
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let end = (at + 8).checked_add(len).ok_or_else(cut)?;
        let body = data.get(at + 4..end).ok_or_else(cut)?;
        let crc = data.get(end..end + 4).ok_or_else(cut)?;
        let crc = u32::from_be_bytes([crc[0], crc[1], crc[2], crc[3]]);
        let (kind, content) = body.split_at(4);
        match (kind, found.as_mut()) {
            (b"IHDR", None) => {
                let Some(layout) = ihdr(content) else {
                    return Ok(None);
                };
                found = Some(layout);
            }
            (b"IHDR", Some(_)) => return Err(damaged("two headers")),
            (_, None) => return Err(damaged("no header")),
            (b"tRNS", Some(_)) => return Ok(None),
            (b"IDAT", Some(layout)) => layout.idat.push(content),
            _ => {}
        }
        if let Some(layout) = found.as_mut() {
            layout.chunks.push((body, crc));
        }
        if kind == b"IEND" {
            break;
        }
        at = end + 4;
    }
    Ok(found)
}

fn ihdr(content: &[u8]) -> Option<Layout<'static>> {
    let field = |i: usize| Some(u32::from_be_bytes(content.get(i..i + 4)?.try_into().ok()?));
    let (width, height) = (field(0)? as usize, field(4)? as usize);
    let channels = match content.get(8..13)? {
        [8, 2, 0, 0, 0] => 3,
        [8, 6, 0, 0, 0] => 4,
        _ => return None,
    };
    Some(Layout {
        width,
        height,
        channels,
        chunks: Vec::new(),
        idat: Vec::new(),
    })
}

/// Decodes a located PNG (its dimensions already checked against the limits).
pub(crate) fn decode(layout: &Layout<'_>) -> Result<DecodedImage, OutputError> {
    let too_large = || damaged("too large");
    let stride = layout
        .width
        .checked_mul(layout.channels)
        .ok_or_else(too_large)?;
    let filtered_len = (stride + 1)
        .checked_mul(layout.height)
        .ok_or_else(too_large)?;
    let (to_unfilter, received) = sync_channel::<(Vec<u8>, usize)>(IN_FLIGHT);
    let (to_recycle, recycled) = sync_channel::<Vec<u8>>(IN_FLIGHT + 1);
    let data = std::thread::scope(|scope| {
        let rows = scope.spawn(move || {
            verify_crcs(&layout.chunks)?;
            unfilter_rows(received, to_recycle, layout, stride)
        });
        let inflated = inflate(&layout.idat, filtered_len, to_unfilter, recycled);
        let rows = rows
            .join()
            .unwrap_or_else(|_| Err(damaged("the decoder stopped")));
        match (inflated, rows) {
            (Ok(()), rows) => rows,
            // The unfiltering thread stopped first: its error is the reason.
            (Err(e), Err(reason)) if e == stopped() => Err(reason),
            (Err(e), _) => Err(e),
        }
    })?;
    Ok(DecodedImage {
        width: u32::try_from(layout.width).map_err(|_| too_large())?,
        height: u32::try_from(layout.height).map_err(|_| too_large())?,
        alpha: layout.channels == 4,
        data,
    })
}

fn verify_crcs(chunks: &[(&[u8], u32)]) -> Result<(), OutputError> {
    if chunks
        .iter()
        .all(|(body, crc)| crc32fast::hash(body) == *crc)
    {
        Ok(())
    } else {
        Err(damaged("a checksum does not match"))
    }
}

/// Inflates the concatenated IDAT data, sending each full buffer of new bytes on.
fn inflate(
    idat: &[&[u8]],
    expected: usize,
    send: SyncSender<(Vec<u8>, usize)>,
    recycled: Receiver<Vec<u8>>,
) -> Result<(), OutputError> {
    let mut inflater = fdeflate::Decompressor::new();
    // Every IDAT chunk's CRC covers these bytes already (checked on the other thread), and
    // Adler-32 would cost the critical path a pass over the whole picture.
    inflater.ignore_adler32();
    let mut buffer = vec![0; WINDOW + CHUNK];
    let (mut position, mut start, mut total) = (0, 0, 0usize);
    let mut parts = idat.iter().copied();
    let mut input = parts.next().unwrap_or_default();
    let mut last = parts.len() == 0;
    loop {
        let (used, produced) = inflater
            .read(input, &mut buffer, position, last)
            .map_err(|e| match e {
                fdeflate::DecompressionError::InsufficientInput => ends_early(),
                other => damaged(&format!("the image data is corrupt ({other:?})")),
            })?;
        input = &input[used..];
        position += produced;
        total += produced;
        if total > expected {
            return Err(damaged("there is more image data than pixels"));
        }
        if inflater.is_done() {
            send.send((buffer, start)).map_err(|_| stopped())?;
            break;
        }
        if position == buffer.len() {
            let mut next = recycled
                .try_recv()
                .unwrap_or_else(|_| vec![0; WINDOW + CHUNK]);
            next[..WINDOW].copy_from_slice(&buffer[position - WINDOW..]);
            send.send((buffer, start)).map_err(|_| stopped())?;
            (buffer, position, start) = (next, WINDOW, WINDOW);
        }
        if input.is_empty() {
            input = parts.next().ok_or_else(ends_early)?;
            last = parts.len() == 0;
        }
    }
    if total < expected {
        return Err(ends_early());
    }
    Ok(())
}

/// Reassembles rows from the inflated buffers and unfilters each into the picture.
fn unfilter_rows(
    received: Receiver<(Vec<u8>, usize)>,
    recycle: SyncSender<Vec<u8>>,
    layout: &Layout<'_>,
    stride: usize,
) -> Result<Vec<u8>, OutputError> {
    let mut pixels = vec![0; stride * layout.height];
    let zeros = vec![0; stride];
    let mut partial = Vec::with_capacity(stride + 1);
    let mut row = 0;
    let unfilter = |pixels: &mut [u8], line: &[u8], row: usize| {
        let (done, rest) = pixels.split_at_mut(row * stride);
        let prev = done.get(done.len().saturating_sub(stride)..);
        let prev = prev.filter(|p| !p.is_empty()).unwrap_or(&zeros);
        let current = &mut rest[..stride];
        match layout.channels {
            3 => unfilter_line::<3>(line, prev, current),
            _ => unfilter_line::<4>(line, prev, current),
        }
    };
    for (buffer, start) in received {
        let mut data = &buffer[start..];
        while !data.is_empty() && row < layout.height {
            if partial.is_empty() && data.len() > stride {
                unfilter(&mut pixels, &data[..=stride], row)?;
                data = &data[stride + 1..];
                row += 1;
            } else {
                let take = (stride + 1 - partial.len()).min(data.len());
                partial.extend_from_slice(&data[..take]);
                data = &data[take..];
                if partial.len() == stride + 1 {
                    unfilter(&mut pixels, &partial, row)?;
                    partial.clear();
                    row += 1;
                }
            }
        }
        // The inflater may already have finished: a closed recycle channel is fine.
        let _ = recycle.try_send(buffer);
    }
    if row < layout.height {
        return Err(ends_early());
    }
    Ok(pixels)
}

fn stopped() -> OutputError {
    damaged("the decoder stopped")
}

fn ends_early() -> OutputError {
    damaged("the image data ends too early")
}

fn damaged(what: &str) -> OutputError {
    OutputError::Undecodable(what.into())
}

#[cfg(test)]
#[path = "fast_png_tests.rs"]
mod tests;
