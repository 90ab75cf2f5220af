//! PNG row filters (specification section 9), undone one row at a time against the row above,
//! for 3 or 4 bytes a pixel. Pixels are walked in whole-pixel steps with the left neighbours
//! kept in registers, which keeps the loops free of bounds checks.

use super::OutputError;

/// Undoes one row's filter (`line` is the filter type then the filtered bytes).
pub(crate) fn unfilter_line<'a, const BPP: usize>(
    line: &'a [u8],
    prev: &'a [u8],
    current: &'a mut [u8],
) -> Result<(), OutputError> {
    let (filter, line) = line.split_first().ok_or_else(|| damaged("an empty row"))?;
    let pixels = |current: &'a mut [u8]| {
        current
            .chunks_exact_mut(BPP)
            .zip(line.chunks_exact(BPP))
            .zip(prev.chunks_exact(BPP))
    };
    let (mut left, mut upper_left) = ([0u8; BPP], [0u8; BPP]);
    match filter {
        0 => current.copy_from_slice(line),
        1 => pixels(current).for_each(|((out, raw), _)| {
            for k in 0..BPP {
                left[k] = raw[k].wrapping_add(left[k]);
                out[k] = left[k];
            }
        }),
        2 => current
            .iter_mut()
            .zip(line.iter().zip(prev))
            .for_each(|(out, (raw, up))| *out = raw.wrapping_add(*up)),
        3 => pixels(current).for_each(|((out, raw), up)| {
            for k in 0..BPP {
                let average = ((u16::from(left[k]) + u16::from(up[k])) / 2) as u8;
                left[k] = raw[k].wrapping_add(average);
                out[k] = left[k];
            }
        }),
        4 => pixels(current).for_each(|((out, raw), up)| {
            for k in 0..BPP {
                left[k] = raw[k].wrapping_add(paeth(left[k], up[k], upper_left[k]));
                upper_left[k] = up[k];
                out[k] = left[k];
            }
        }),
        _ => return Err(damaged("a row has an unknown filter")),
    }
    Ok(())
}

/// The Paeth predictor of the PNG specification.
fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let (a16, b16, c16) = (i16::from(a), i16::from(b), i16::from(c));
    let (pa, pb, pc) = (
        (b16 - c16).abs(),
        (a16 - c16).abs(),
        (a16 + b16 - 2 * c16).abs(),
    );
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

fn damaged(what: &str) -> OutputError {
    OutputError::Undecodable(what.into())
}
