//! A decompression bomb: a valid PNG of 8-bit grey pixels, all black, whose zlib stream is
//! written by hand. Deflate's best case is one 2-bit code per 258 repeated bytes, so a
//! 16000×16000 picture (256 MB of pixels) takes about 250 KB, and building it never allocates
//! the pixels, which an ordinary encoder would.

use std::sync::OnceLock;

use bytes::Bytes;

use super::{chunk, png_signature};

/// Side of the served bomb: within a 16384 px dimension limit, so only a memory check stops it.
pub(crate) const BOMB_SIDE: u32 = 16_000;

/// The served bomb, made on first use.
pub(crate) fn bomb() -> Bytes {
    static BOMB: OnceLock<Bytes> = OnceLock::new();
    BOMB.get_or_init(|| Bytes::from(bomb_png(BOMB_SIDE, BOMB_SIDE)))
        .clone()
}

/// A `width`×`height` 8-bit greyscale PNG, all zeros.
pub(crate) fn bomb_png(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    // 8-bit greyscale, deflate, adaptive filtering (every row uses filter 0), no interlace.
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    // Each row is its filter-type byte then one byte a pixel: zeros throughout.
    let raw_len = u64::from(height) * (u64::from(width) + 1);
    let zlib = zeros_zlib(raw_len);
    let mut png = png_signature();
    png.extend(chunk(b"IHDR", &ihdr));
    // Split like encoders do, so readers see several IDAT chunks.
    for part in zlib.chunks(64 * 1024) {
        png.extend(chunk(b"IDAT", part));
    }
    png.extend(chunk(b"IEND", &[]));
    png
}

/// A zlib stream of `len` zero bytes in one dynamic-Huffman deflate block whose codes are
/// literal 0 = `10`, end of block = `11`, length 258 = `0`, distance 1 = `0`.
fn zeros_zlib(len: u64) -> Vec<u8> {
    let mut bits = Bits::default();
    bits.put(1, 1); // BFINAL: the only block
    bits.put(2, 2); // BTYPE: dynamic Huffman
    bits.put(29, 5); // HLIT: 257 + 29 = 286 literal/length codes (up to 285, length 258)
    bits.put(1, 5); // HDIST: 1 + 1 = 2 distance codes
    bits.put(14, 4); // HCLEN: 4 + 14 = 18 code-length codes, in the order of RFC 1951 3.2.7
    // Lengths of the code-length codes (order 16 17 18 0 8 7 9 6 10 5 11 4 12 3 13 2 14 1):
    // 18 (a run of zeros) = `0`, 1 = `10`, 2 = `11`.
    for length in [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2] {
        bits.put(length, 3);
    }
    let (one, two) = ((0b10, 2), (0b11, 2));
    let zeros = |bits: &mut Bits, run: u64| {
        bits.code(0, 1); // code-length symbol 18: 11 + 7-bit count zeros
        bits.put(run - 11, 7);
    };
    // Literal/length code lengths: 0 → 2, 1..=255 → 0, 256 → 2, 257..=284 → 0, 285 → 1.
    bits.code(two.0, two.1);
    zeros(&mut bits, 138);
    zeros(&mut bits, 117);
    bits.code(two.0, two.1);
    zeros(&mut bits, 28);
    bits.code(one.0, one.1);
    // Distance code lengths: 0 (distance 1) → 1, 1 (distance 2, unused) → 1.
    bits.code(one.0, one.1);
    bits.code(one.0, one.1);
    // Data: one literal zero, then copies of 258 bytes at distance 1 (`0` + `0`), then the
    // remainder as literals.
    let rest = len.saturating_sub(1);
    if len > 0 {
        bits.code(0b10, 2);
    }
    let mut copy_bits = rest / 258 * 2;
    while copy_bits > 0 {
        let n = copy_bits.min(48);
        bits.put(0, n as u32);
        copy_bits -= n;
    }
    for _ in 0..rest % 258 {
        bits.code(0b10, 2);
    }
    bits.code(0b11, 2); // end of block
    // zlib: CMF/FLG (deflate, 32K window, no dictionary), the stream, Adler-32 of zeros.
    let mut out = vec![0x78, 0x01];
    out.extend(bits.finish());
    let adler = (((len % 65_521) << 16) | 1) as u32;
    out.extend_from_slice(&adler.to_be_bytes());
    out
}

/// Deflate's bit order: fields least significant bit first, Huffman codes most significant first.
#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u64,
    count: u32,
}

impl Bits {
    /// `count` (≤ 48) low bits of `value`, least significant first.
    fn put(&mut self, value: u64, count: u32) {
        self.acc |= (value & ((1 << count) - 1)) << self.count;
        self.count += count;
        while self.count >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.count -= 8;
        }
    }

    /// A Huffman code of `len` bits, most significant first.
    fn code(&mut self, code: u64, len: u32) {
        let reversed = (0..len).fold(0, |r, i| (r << 1) | ((code >> i) & 1));
        self.put(reversed, len);
    }

    fn finish(mut self) -> Vec<u8> {
        if self.count > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    #[test]
    fn a_small_bomb_decodes_to_black_pixels() {
        for (w, h) in [(300, 200), (1, 1), (258, 3)] {
            let png = bomb_png(w, h);
            let image = image::load_from_memory_with_format(&png, image::ImageFormat::Png).unwrap();
            let grey = image.as_luma8().expect("8-bit grey");
            assert_eq!(grey.dimensions(), (w, h));
            assert!(grey.pixels().all(|p| p.0 == [0]));
        }
    }

    #[test]
    fn the_served_bomb_is_small_and_claims_16000_squared() {
        let png = bomb();
        assert!(png.len() < 400 * 1024, "{} bytes", png.len());
        let reader =
            image::ImageReader::with_format(Cursor::new(&png[..]), image::ImageFormat::Png);
        assert_eq!(reader.into_dimensions().unwrap(), (BOMB_SIDE, BOMB_SIDE));
    }
}
