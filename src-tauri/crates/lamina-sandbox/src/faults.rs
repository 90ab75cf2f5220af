//! Fault rules: what to break, where, and how many times.

use std::sync::Mutex;

/// The grammar of a fault spec, shared by the crate docs and the CLI `--help`.
pub const FAULT_SPEC_HELP: &str = include_str!("fault_grammar.txt");

/// What an injected fault does to a matching request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// Answer this status (500, 502, 503) with the error envelope.
    Status(u16),
    /// 429 with `Retry-After` and `RateLimit-*` headers, as if the real limit were hit.
    RateLimitStorm { retry_after_s: u64 },
    /// Delay, then answer normally.
    Slow { ms: u64 },
    /// Never answer (for 10 minutes), so the client's timeout fires.
    Hang,
    /// Headers and part of the body, then a broken connection.
    Drop,
    /// The request is carried out (a run really starts), then the answer breaks off like
    /// `Drop`: the client cannot know whether it worked.
    Lost,
    /// 200 with a truncated, JSON-looking body.
    MalformedJson,
    /// `/files` only: the image cut short.
    TruncatedImage,
    /// `/files` only: an enormous PNG-looking body.
    HugeImage,
    /// `/files` only: the real bytes with a non-image Content-Type.
    WrongContentType,
    /// `/files` only: an SVG document instead of a raster image.
    Svg,
    /// Not a request fault: the sandbox's own fetch of a run's `url` input fails as if the
    /// address answered this status (the path prefix is matched against the input's path).
    UnfetchableInput { status: u16 },
}

impl FaultKind {
    /// Kinds that only make sense for downloads under `/files`.
    pub fn is_file_fault(self) -> bool {
        matches!(
            self,
            Self::TruncatedImage | Self::HugeImage | Self::WrongContentType | Self::Svg
        )
    }

    /// Kinds that act on the sandbox's fetches of `url` inputs, never on requests it answers.
    pub fn is_input_fetch_fault(self) -> bool {
        matches!(self, Self::UnfetchableInput { .. })
    }
}

/// One rule: a kind, an optional method and path prefix, and how many times it may still fire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    pub kind: FaultKind,
    /// Upper-case HTTP method, or `None` for any.
    pub method: Option<String>,
    /// Matches request paths starting with it, or `None` (see [`FAULT_SPEC_HELP`]).
    pub path_prefix: Option<String>,
    /// `None` = forever.
    pub remaining: Option<u32>,
}

const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

impl FaultRule {
    /// A rule firing forever on every route it applies to.
    pub fn new(kind: FaultKind) -> Self {
        Self {
            kind,
            method: None,
            path_prefix: None,
            remaining: None,
        }
    }

    /// Parses `KIND[=ARG][@[METHOD:]PATH_PREFIX][*COUNT]`, comma-separated. An empty spec is no
    /// rules. `*COUNT` is also accepted right after the kind (`429*5@POST:/v1/apps`).
    pub fn parse_spec(spec: &str) -> Result<Vec<FaultRule>, String> {
        if spec.trim().is_empty() {
            return Ok(Vec::new());
        }
        spec.split(',').map(parse_rule).collect()
    }

    /// Whether this rule applies to a request (ignoring the remaining count).
    pub(crate) fn matches(&self, method: &str, path: &str) -> bool {
        if self.kind.is_input_fetch_fault() {
            return false;
        }
        if let Some(want) = &self.method
            && !want.eq_ignore_ascii_case(method)
        {
            return false;
        }
        let prefix_ok = self
            .path_prefix
            .as_deref()
            .is_none_or(|p| path.starts_with(p));
        if is_files_path(path) {
            // Downloads are only hit by file kinds, or by other kinds aimed at /files explicitly,
            // so an everywhere-rule like `500*1` keeps meaning "the next API call".
            let aimed = self.path_prefix.as_deref().is_some_and(is_files_path);
            prefix_ok && (self.kind.is_file_fault() || aimed)
        } else {
            prefix_ok && !self.kind.is_file_fault()
        }
    }
}

fn is_files_path(path: &str) -> bool {
    path == "/files" || path.starts_with("/files/")
}

fn parse_rule(raw: &str) -> Result<FaultRule, String> {
    let token = raw.trim();
    if token.is_empty() {
        return Err("empty fault rule (stray comma?)".into());
    }
    let fail = |why: String| format!("fault rule {token:?}: {why}");
    let (head, target) = match token.split_once('@') {
        Some((h, t)) => (h, Some(t)),
        None => (token, None),
    };
    let (head, count_in_head) = split_count(head).map_err(fail)?;
    let (target, count_in_target) = match target {
        Some(t) => {
            let (t, c) = split_count(t).map_err(fail)?;
            (Some(t), c)
        }
        None => (None, None),
    };
    let remaining = match (count_in_head, count_in_target) {
        (Some(_), Some(_)) => return Err(fail("*COUNT given twice".into())),
        (a, b) => a.or(b),
    };
    let kind = parse_kind(head).map_err(fail)?;
    let (method, path_prefix) = match target {
        Some(t) => parse_target(t).map_err(fail)?,
        None => (None, None),
    };
    Ok(FaultRule {
        kind,
        method,
        path_prefix,
        remaining,
    })
}

/// Splits a trailing `*COUNT` off.
fn split_count(text: &str) -> Result<(&str, Option<u32>), String> {
    let Some((rest, count)) = text.rsplit_once('*') else {
        return Ok((text, None));
    };
    match count.trim().parse::<u32>() {
        Ok(0) => Err("COUNT must be at least 1".into()),
        Ok(n) => Ok((rest, Some(n))),
        Err(_) => Err(format!("COUNT {count:?} is not a positive integer")),
    }
}

fn parse_kind(text: &str) -> Result<FaultKind, String> {
    let (name, arg) = match text.split_once('=') {
        Some((n, a)) => (n.trim(), Some(a.trim())),
        None => (text.trim(), None),
    };
    let number = |what: &str, default: u64| -> Result<u64, String> {
        match arg {
            None => Ok(default),
            Some(a) => a
                .parse::<u64>()
                .map_err(|_| format!("{what} {a:?} is not a non-negative integer")),
        }
    };
    let kind = match name.to_ascii_lowercase().as_str() {
        "500" => FaultKind::Status(500),
        "502" => FaultKind::Status(502),
        "503" => FaultKind::Status(503),
        "429" => {
            return Ok(FaultKind::RateLimitStorm {
                retry_after_s: number("Retry-After seconds", 1)?,
            });
        }
        "slow" => {
            return Ok(FaultKind::Slow {
                ms: number("delay in ms", 1000)?,
            });
        }
        "hang" => FaultKind::Hang,
        "drop" => FaultKind::Drop,
        "lost" => FaultKind::Lost,
        "malformed" => FaultKind::MalformedJson,
        "truncated-image" => FaultKind::TruncatedImage,
        "huge-image" => FaultKind::HugeImage,
        "wrong-content-type" => FaultKind::WrongContentType,
        "svg" => FaultKind::Svg,
        "unfetchable-input" => {
            let status = number("status", 404)?;
            return match u16::try_from(status) {
                Ok(status) if (400..=599).contains(&status) => {
                    Ok(FaultKind::UnfetchableInput { status })
                }
                _ => Err(format!("status {status} must be between 400 and 599")),
            };
        }
        other => {
            return Err(format!(
                "unknown kind {other:?} (expected 500, 502, 503, 429, slow, hang, drop, \
                 lost, malformed, truncated-image, huge-image, wrong-content-type, svg or \
                 unfetchable-input)"
            ));
        }
    };
    match arg {
        Some(a) => Err(format!("kind {name:?} takes no argument (got {a:?})")),
        None => Ok(kind),
    }
}

type Target = (Option<String>, Option<String>);

fn parse_target(text: &str) -> Result<Target, String> {
    let text = text.trim();
    let (method, path) = match text.split_once(':') {
        Some((m, p)) if !m.contains('/') => (Some(m.trim().to_ascii_uppercase()), p.trim()),
        _ => (None, text),
    };
    if let Some(m) = &method
        && !METHODS.contains(&m.as_str())
    {
        return Err(format!("unknown method {m:?}"));
    }
    if !path.starts_with('/') {
        return Err(format!("path prefix {path:?} must start with '/'"));
    }
    Ok((method, Some(path.to_owned())))
}

/// The live rule list, consumed as requests match.
#[derive(Debug, Default)]
pub(crate) struct FaultSet {
    rules: Mutex<Vec<FaultRule>>,
}

impl FaultSet {
    pub(crate) fn new(rules: Vec<FaultRule>) -> Self {
        Self {
            rules: Mutex::new(rules),
        }
    }

    pub(crate) fn replace(&self, rules: Vec<FaultRule>) {
        *self.rules.lock().unwrap_or_else(|e| e.into_inner()) = rules;
    }

    /// The fault to apply to this request, consuming one count of the first matching rule.
    pub(crate) fn take(&self, method: &str, path: &str) -> Option<FaultKind> {
        let mut rules = self.rules.lock().unwrap_or_else(|e| e.into_inner());
        let rule = rules
            .iter_mut()
            .find(|r| r.remaining != Some(0) && r.matches(method, path))?;
        if let Some(n) = rule.remaining.as_mut() {
            *n -= 1;
        }
        Some(rule.kind)
    }

    /// The status an `unfetchable-input` rule makes the fetch of an input at `path` answer,
    /// consuming one count of the first matching such rule.
    pub(crate) fn take_input_fetch(&self, path: &str) -> Option<u16> {
        let mut rules = self.rules.lock().unwrap_or_else(|e| e.into_inner());
        let rule = rules.iter_mut().find(|r| {
            r.remaining != Some(0)
                && r.kind.is_input_fetch_fault()
                && r.path_prefix.as_deref().is_none_or(|p| path.starts_with(p))
        })?;
        if let Some(n) = rule.remaining.as_mut() {
            *n -= 1;
        }
        match rule.kind {
            FaultKind::UnfetchableInput { status } => Some(status),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(spec: &str) -> FaultRule {
        let mut rules = FaultRule::parse_spec(spec).unwrap();
        assert_eq!(rules.len(), 1, "{spec}");
        rules.remove(0)
    }

    #[test]
    fn parses_every_part_of_the_grammar() {
        let r = one("503@GET:/v1/runs*3");
        assert_eq!(r.kind, FaultKind::Status(503));
        assert_eq!(r.method.as_deref(), Some("GET"));
        assert_eq!(r.path_prefix.as_deref(), Some("/v1/runs"));
        assert_eq!(r.remaining, Some(3));

        let r = one("429=2@post:/v1/apps*5");
        assert_eq!(r.kind, FaultKind::RateLimitStorm { retry_after_s: 2 });
        assert_eq!(r.method.as_deref(), Some("POST"));
        assert_eq!(r.remaining, Some(5));

        assert_eq!(
            one("429").kind,
            FaultKind::RateLimitStorm { retry_after_s: 1 }
        );
        assert_eq!(one("slow=1500").kind, FaultKind::Slow { ms: 1500 });
        let r = one("truncated-image@/files");
        assert_eq!(r.kind, FaultKind::TruncatedImage);
        assert_eq!(r.remaining, None);
        assert_eq!(r.method, None);
        // The count may also follow the kind.
        assert_eq!(one("429*5@POST:/v1/apps").remaining, Some(5));
    }

    #[test]
    fn parses_lists_and_empty_specs() {
        let rules = FaultRule::parse_spec("hang@GET:/v1/runs*1, 500*2 ,svg").unwrap();
        let kinds: Vec<_> = rules.iter().map(|r| r.kind).collect();
        assert_eq!(
            kinds,
            [FaultKind::Hang, FaultKind::Status(500), FaultKind::Svg]
        );
        assert!(FaultRule::parse_spec("  ").unwrap().is_empty());
    }

    #[test]
    fn rejects_bad_specs_with_a_reason() {
        for (spec, needle) in [
            ("404", "unknown kind"),
            ("500=3", "takes no argument"),
            ("slow=fast", "not a non-negative integer"),
            ("500*0", "at least 1"),
            ("500*x", "not a positive integer"),
            ("500@v1/runs", "must start with '/'"),
            ("500@FETCH:/v1", "unknown method"),
            ("500,,503", "empty fault rule"),
            ("500*2@/v1*3", "given twice"),
        ] {
            let err = FaultRule::parse_spec(spec).unwrap_err();
            assert!(err.contains(needle), "{spec}: {err}");
        }
    }

    #[test]
    fn counts_are_consumed_in_order_and_scoped() {
        let set = FaultSet::new(FaultRule::parse_spec("503@GET:/v1/runs*2,500*1").unwrap());
        assert_eq!(set.take("POST", "/v1/runs"), Some(FaultKind::Status(500)));
        assert_eq!(set.take("POST", "/v1/runs"), None);
        assert_eq!(
            set.take("GET", "/v1/runs/abc"),
            Some(FaultKind::Status(503))
        );
        assert_eq!(set.take("GET", "/v1/runs"), Some(FaultKind::Status(503)));
        assert_eq!(set.take("GET", "/v1/runs"), None);
    }

    #[test]
    fn unfetchable_input_only_hits_input_fetches() {
        let set = FaultSet::new(
            FaultRule::parse_spec("unfetchable-input=410@/_sandbox/files*1,unfetchable-input")
                .unwrap(),
        );
        assert_eq!(set.take("GET", "/_sandbox/files/a.png"), None);
        assert_eq!(set.take("GET", "/v1/apps"), None);
        assert_eq!(set.take_input_fetch("/_sandbox/files/a.png"), Some(410));
        assert_eq!(set.take_input_fetch("/_sandbox/files/a.png"), Some(404));
        assert_eq!(set.take_input_fetch("/photo.jpg"), Some(404));
        let err = FaultRule::parse_spec("unfetchable-input=200").unwrap_err();
        assert!(err.contains("between 400 and 599"), "{err}");
    }

    #[test]
    fn file_kinds_only_hit_downloads_and_others_need_an_explicit_files_prefix() {
        let set = FaultSet::new(FaultRule::parse_spec("svg,500").unwrap());
        assert_eq!(set.take("GET", "/v1/apps"), Some(FaultKind::Status(500)));
        assert_eq!(set.take("GET", "/files/r/0.png"), Some(FaultKind::Svg));
        let set = FaultSet::new(FaultRule::parse_spec("drop@/files*1").unwrap());
        assert_eq!(set.take("GET", "/v1/apps"), None);
        assert_eq!(set.take("GET", "/files/r/0.png"), Some(FaultKind::Drop));
        assert_eq!(set.take("GET", "/files/r/0.png"), None);
    }
}
