//! Link previews: a small thumbnail of the picture behind a pasted address, fetched here in Rust
//! so the web view's content security policy stays as strict as it is.
//!
//! A link a user pastes may point anywhere, so the fetch is guarded like a server-side fetch:
//! http/https only; no private, loopback, link-local, multicast, broadcast, reserved or
//! unspecified address, checked for an address in the link before any request and for every
//! address a name resolves to (by our own resolver, so the address checked is the address
//! connected to), again after each redirect (followed by hand, at most [`MAX_REDIRECTS`]); the
//! only local address allowed is the one the caller names (the sandbox of the demo workspace).
//! No cookies, no proxy (a proxy would resolve names itself), a size limit and a time limit; the
//! content is recognised by its bytes, never by `Content-Type`, and decoded under limits.

use std::io::Cursor;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use futures_util::StreamExt;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::Url;

use crate::outputs::{Sniffed, sniff};

/// Redirects followed before giving up.
pub const MAX_REDIRECTS: usize = 5;

/// What a preview may cost.
#[derive(Debug, Clone)]
pub struct PreviewLimits {
    /// Largest file read, in bytes.
    pub max_bytes: u64,
    /// Time for the whole preview, redirects included.
    pub timeout: Duration,
    /// Longest side of the thumbnail, in pixels.
    pub thumbnail_side: u32,
    /// Largest width or height of the picture itself (decompression bombs).
    pub max_dimension: u32,
}

impl Default for PreviewLimits {
    fn default() -> Self {
        Self {
            max_bytes: 20 * 1024 * 1024,
            timeout: Duration::from_secs(15),
            thumbnail_side: 256,
            max_dimension: 16_384,
        }
    }
}

/// A preview of the picture at a link.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct LinkPreview {
    /// A small PNG (pictures with transparency) or JPEG, as a `data:` URL.
    pub thumbnail: String,
    /// Size of the picture itself, in pixels.
    pub width: u32,
    pub height: u32,
    /// What the bytes are (`image/png`, `image/jpeg`, `image/webp`, `image/gif`), whatever the
    /// server said.
    pub content_type: String,
}

/// Why there is no preview, in words a shop owner understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkPreviewError {
    #[error("That isn't a web address (it should start with http:// or https://).")]
    NotWebAddress,
    #[error("That address points inside this computer or its network, so no preview is shown.")]
    PrivateAddress { address: String },
    #[error("The address answered {status}, so there is no picture to show.")]
    Status { status: u16 },
    #[error("The address sends you on too many times (more than {MAX_REDIRECTS} redirects).")]
    TooManyRedirects,
    #[error("The picture is larger than {limit_mb} MB, so no preview is shown.")]
    TooLarge { limit_mb: u64 },
    #[error("That address doesn't lead to a picture ({what}).")]
    NotAnImage { what: String },
    #[error("The picture is damaged or too large to open safely.")]
    Undecodable { detail: String },
    #[error("The address took too long to answer.")]
    Timeout,
    #[error("The address could not be reached.")]
    Unreachable { detail: String },
}

impl LinkPreviewError {
    /// The technical detail behind the plain message (for logs and "details").
    pub fn detail(&self) -> String {
        match self {
            Self::PrivateAddress { address } => format!("refused address {address}"),
            Self::Undecodable { detail } | Self::Unreachable { detail } => detail.clone(),
            Self::NotAnImage { what } => format!("sniffed as {what}"),
            other => format!("{other:?}"),
        }
    }
}

/// Whether a program on the internet may be sent to `ip`: not this computer, not a private or
/// link-local network, not multicast, broadcast, reserved, documentation or unspecified.
pub fn is_public_address(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_unspecified()
        || ip.is_documentation()
        || a == 0
        // Shared address space (carrier-grade NAT), 100.64.0.0/10.
        || (a == 100 && (64..=127).contains(&b))
        // IETF protocol assignments 192.0.0.0/24, benchmarking 198.18.0.0/15.
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (b == 18 || b == 19))
        // Reserved 240.0.0.0/4.
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let segments = ip.segments();
    // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address: judge that one.
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let [_, _, _, _, _, _, hi, lo] = segments;
        return is_public_v4(Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo)));
    }
    if segments[0] == 0x2002 {
        return is_public_v4(Ipv4Addr::from(
            (u32::from(segments[1]) << 16) | u32::from(segments[2]),
        ));
    }
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || ip.is_unique_local()
        || ip.is_unicast_link_local()
        // Deprecated site-local fec0::/10, documentation 2001:db8::/32, IPv4-compatible ::/96.
        || (segments[0] & 0xffc0) == 0xfec0
        || (segments[0] == 0x2001 && segments[1] == 0x0db8)
        || segments[..6] == [0; 6])
}

/// The refusal a resolver hands back through reqwest, recognised again in [`classify`].
#[derive(Debug)]
struct RefusedAddress(String);

impl std::fmt::Display for RefusedAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "refused non-public address {}", self.0)
    }
}

impl std::error::Error for RefusedAddress {}

/// Resolves names with the system resolver and refuses the whole name if any address it gives
/// is not public: the connection then can only go to addresses that were checked.
#[derive(Debug)]
struct PublicOnlyResolver;

impl Resolve for PublicOnlyResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if let Some(bad) = addrs.iter().find(|a| !is_public_address(a.ip())) {
                let refused = RefusedAddress(format!("{} ({host})", bad.ip()));
                return Err(Box::new(refused) as Box<dyn std::error::Error + Send + Sync>);
            }
            let addrs: Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

/// Fetches previews. Holds its own client, derived from the app's settings but with the guarded
/// resolver, no redirects (followed by hand), no proxy and no cookies; build one and share it.
#[derive(Debug, Clone)]
pub struct LinkPreviewer {
    http: reqwest::Client,
    limits: PreviewLimits,
}

impl LinkPreviewer {
    pub fn new(limits: PreviewLimits) -> Result<Self, LinkPreviewError> {
        let http = reqwest::Client::builder()
            .dns_resolver(Arc::new(PublicOnlyResolver))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .referer(false)
            .connect_timeout(limits.timeout)
            .user_agent(concat!(
                "LaminaDesktop/",
                env!("CARGO_PKG_VERSION"),
                " link-preview"
            ))
            .build()
            .map_err(|e| LinkPreviewError::Unreachable {
                detail: format!("cannot build the preview client: {e}"),
            })?;
        Ok(Self { http, limits })
    }

    pub fn limits(&self) -> &PreviewLimits {
        &self.limits
    }

    /// The preview of `url`. `allowed_local` is the one local origin that may be fetched (the
    /// sandbox of the demo workspace, e.g. `http://127.0.0.1:PORT`), given as a URL.
    pub async fn fetch(
        &self,
        url: &str,
        allowed_local: Option<&str>,
    ) -> Result<LinkPreview, LinkPreviewError> {
        let allowed = allowed_local
            .and_then(|a| Url::parse(a).ok())
            .map(|a| a.origin());
        let work = async {
            let (sniffed, bytes) = self.download(url, allowed.as_ref()).await?;
            let side = self.limits.thumbnail_side;
            let max_dimension = self.limits.max_dimension;
            tokio::task::spawn_blocking(move || thumbnail(&bytes, sniffed, side, max_dimension))
                .await
                .map_err(|e| LinkPreviewError::Undecodable {
                    detail: e.to_string(),
                })?
        };
        tokio::time::timeout(self.limits.timeout, work)
            .await
            .map_err(|_| LinkPreviewError::Timeout)?
    }

    /// Follows redirects by hand, checking each address, and reads the body under the limit.
    async fn download(
        &self,
        url: &str,
        allowed: Option<&url::Origin>,
    ) -> Result<(Sniffed, Vec<u8>), LinkPreviewError> {
        let mut current = Url::parse(url.trim()).map_err(|_| LinkPreviewError::NotWebAddress)?;
        let mut redirects = 0;
        let response = loop {
            check_target(&current, allowed)?;
            let response = self
                .http
                .get(current.clone())
                .header("accept", "image/*")
                .send()
                .await
                .map_err(classify)?;
            if !response.status().is_redirection() {
                break response;
            }
            let Some(next) = response
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .and_then(|l| current.join(l).ok())
            else {
                return Err(LinkPreviewError::Status {
                    status: response.status().as_u16(),
                });
            };
            redirects += 1;
            if redirects > MAX_REDIRECTS {
                return Err(LinkPreviewError::TooManyRedirects);
            }
            current = next;
        };
        if !response.status().is_success() {
            return Err(LinkPreviewError::Status {
                status: response.status().as_u16(),
            });
        }
        let max = self.limits.max_bytes;
        let too_large = || LinkPreviewError::TooLarge {
            limit_mb: max / (1024 * 1024),
        };
        if response.content_length().is_some_and(|n| n > max) {
            return Err(too_large());
        }
        let mut body = Vec::new();
        let mut sniffed = None;
        let mut chunks = response.bytes_stream();
        while let Some(chunk) = chunks.next().await {
            let chunk = chunk.map_err(classify)?;
            if body.len() as u64 + chunk.len() as u64 > max {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
            // Refuse a web page or an SVG as soon as its first bytes are in.
            if sniffed.is_none() && body.len() >= 64 {
                sniffed = Some(sniff_image(&body)?);
            }
        }
        let sniffed = match sniffed {
            Some(kind) => kind,
            None => sniff_image(&body)?,
        };
        Ok((sniffed, body))
    }
}

/// The preview of `url` through `previewer`; see [`LinkPreviewer::fetch`].
pub async fn fetch_link_preview(
    previewer: &LinkPreviewer,
    url: &str,
    allowed_local: Option<&str>,
) -> Result<LinkPreview, LinkPreviewError> {
    previewer.fetch(url, allowed_local).await
}

/// Scheme and address checks that need no request: names are checked by the resolver.
fn check_target(url: &Url, allowed: Option<&url::Origin>) -> Result<(), LinkPreviewError> {
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(LinkPreviewError::NotWebAddress);
    }
    if allowed.is_some_and(|a| *a == url.origin()) {
        return Ok(());
    }
    let literal = match url.host() {
        Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
        _ => None,
    };
    if let Some(ip) = literal.filter(|ip| !is_public_address(*ip)) {
        return Err(LinkPreviewError::PrivateAddress {
            address: ip.to_string(),
        });
    }
    // Names (`localhost` included) are checked by the resolver, on the addresses connected to.
    Ok(())
}

fn sniff_image(head: &[u8]) -> Result<Sniffed, LinkPreviewError> {
    match sniff(head) {
        Ok(kind) if kind.is_image() => Ok(kind),
        Ok(_) => Err(LinkPreviewError::NotAnImage {
            what: "a video".into(),
        }),
        Err(e) => Err(LinkPreviewError::NotAnImage {
            what: match e {
                crate::outputs::OutputError::Unsupported(what) => what,
                other => other.to_string(),
            },
        }),
    }
}

/// Turns a reqwest error into words, recognising the resolver's refusal in its chain.
fn classify(error: reqwest::Error) -> LinkPreviewError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&error);
    while let Some(e) = source {
        if let Some(refused) = e.downcast_ref::<RefusedAddress>() {
            return LinkPreviewError::PrivateAddress {
                address: refused.0.clone(),
            };
        }
        source = e.source();
    }
    if error.is_timeout() {
        return LinkPreviewError::Timeout;
    }
    LinkPreviewError::Unreachable {
        detail: lamina_api::error_chain(&error),
    }
}

/// Decodes under limits and scales down to a PNG (transparency kept) or JPEG `data:` URL.
fn thumbnail(
    bytes: &[u8],
    kind: Sniffed,
    side: u32,
    max_dimension: u32,
) -> Result<LinkPreview, LinkPreviewError> {
    let undecodable = |e: image::ImageError| LinkPreviewError::Undecodable {
        detail: e.to_string(),
    };
    let format = match kind {
        Sniffed::Png => image::ImageFormat::Png,
        Sniffed::Jpeg => image::ImageFormat::Jpeg,
        Sniffed::WebP => image::ImageFormat::WebP,
        Sniffed::Gif => image::ImageFormat::Gif,
        Sniffed::Mp4 | Sniffed::WebM => {
            return Err(LinkPreviewError::NotAnImage {
                what: "a video".into(),
            });
        }
    };
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(max_dimension);
    limits.max_image_height = Some(max_dimension);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let picture = reader.decode().map_err(undecodable)?;
    let (width, height) = (picture.width(), picture.height());
    let small = picture.thumbnail(side, side);
    let mut encoded = Vec::new();
    let mime = if small.color().has_alpha() {
        small
            .write_to(&mut Cursor::new(&mut encoded), image::ImageFormat::Png)
            .map_err(undecodable)?;
        "image/png"
    } else {
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut encoded, 82)
            .encode_image(&small.to_rgb8())
            .map_err(undecodable)?;
        "image/jpeg"
    };
    Ok(LinkPreview {
        thumbnail: format!("data:{mime};base64,{}", STANDARD.encode(&encoded)),
        width,
        height,
        content_type: kind.content_type().to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_pass() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "240.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "2002:c0a8:0101::1",
        ] {
            let ip: IpAddr = private.parse().unwrap();
            assert!(!is_public_address(ip), "{private}");
        }
        for public in [
            "93.184.216.34",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            let ip: IpAddr = public.parse().unwrap();
            assert!(is_public_address(ip), "{public}");
        }
    }

    #[test]
    fn targets_are_checked_before_any_request() {
        let check = |u: &str, allowed: Option<&str>| {
            let allowed = allowed.map(|a| Url::parse(a).unwrap().origin());
            check_target(&Url::parse(u).unwrap(), allowed.as_ref())
        };
        assert_eq!(
            check("ftp://example.com/a.png", None),
            Err(LinkPreviewError::NotWebAddress)
        );
        assert!(matches!(
            check("http://127.0.0.1:8080/a.png", None),
            Err(LinkPreviewError::PrivateAddress { .. })
        ));
        assert!(matches!(
            check("http://[::1]/a.png", None),
            Err(LinkPreviewError::PrivateAddress { .. })
        ));
        let sandbox = Some("http://127.0.0.1:8080");
        assert_eq!(
            check("http://127.0.0.1:8080/_sandbox/files/a.png", sandbox),
            Ok(())
        );
        assert!(
            check("http://127.0.0.1:8081/a.png", sandbox).is_err(),
            "only the sandbox's own port"
        );
        assert_eq!(check("https://cdn.example.com/a.png", None), Ok(()));
    }
}
