//! The "minimal service" configuration: the sandbox behaving like an independent Lamina-compatible
//! server written from the public docs alone. Only the four endpoints a client can count on
//! answer; every other API path gets the plain 404 page a web framework gives an unknown route
//! (not the JSON error envelope), so clients must detect missing endpoints rather than trust them.

use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

#[derive(Debug)]
pub(crate) struct MinimalMode {
    on: AtomicBool,
    /// Runs whose status was read at least once (the first read of each is refused with a 429).
    read_once: Mutex<HashSet<String>>,
}

impl MinimalMode {
    pub(crate) fn new(on: bool) -> Self {
        Self {
            on: AtomicBool::new(on),
            read_once: Mutex::new(HashSet::new()),
        }
    }

    pub(crate) fn is_on(&self) -> bool {
        self.on.load(Ordering::Relaxed)
    }

    pub(crate) fn set(&self, on: bool) {
        self.on.store(on, Ordering::Relaxed);
    }

    /// True the first time a run's status is asked for while the mode is on.
    pub(crate) fn first_read(&self, run_id: &str) -> bool {
        let mut seen = self.read_once.lock().unwrap_or_else(|e| e.into_inner());
        seen.insert(run_id.to_owned())
    }
}

/// List apps, get an app, start a run and get a run, in every path generation (route templates
/// as axum matched them).
pub(crate) fn is_required_route(method: &Method, route: Option<&str>) -> bool {
    let Some(route) = route else { return false };
    match *method {
        Method::GET => matches!(
            route,
            "/v1/apps"
                | "/api/apps"
                | "/v1/apps/{appId}"
                | "/api/apps/{appId}"
                | "/v1/runs/{id}"
                | "/v1/executions/{id}"
                | "/api/executions/{id}"
        ),
        Method::POST => matches!(
            route,
            "/v1/apps/{appId}/runs"
                | "/v1/apps/{appId}/executions"
                | "/api/apps/{appId}/executions"
        ),
        _ => false,
    }
}

/// The page Express answers an unknown route with.
pub(crate) fn not_found_page(method: &Method, path: &str) -> Response {
    let escaped = path
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let body = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n\
         </head>\n<body>\n<pre>Cannot {method} {escaped}</pre>\n</body>\n</html>\n"
    );
    let mut response = (StatusCode::NOT_FOUND, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_four_endpoints_are_required() {
        for (method, route) in [
            (Method::GET, "/v1/apps"),
            (Method::GET, "/api/apps/{appId}"),
            (Method::POST, "/v1/apps/{appId}/runs"),
            (Method::POST, "/api/apps/{appId}/executions"),
            (Method::GET, "/v1/runs/{id}"),
            (Method::GET, "/api/executions/{id}"),
        ] {
            assert!(is_required_route(&method, Some(route)), "{method} {route}");
        }
        for (method, route) in [
            (Method::GET, Some("/v1/runs")),
            (Method::GET, Some("/v1/runs/{id}/wait")),
            (Method::GET, Some("/v1/runs/{id}/stream")),
            (Method::GET, Some("/v1/account/usage")),
            (Method::GET, Some("/v1/webhooks/signing-key")),
            (Method::GET, Some("/v1/apps/{appId}/workflow")),
            (Method::POST, Some("/v1/runs/{id}")),
            (Method::GET, None),
        ] {
            assert!(!is_required_route(&method, route), "{method} {route:?}");
        }
    }

    #[test]
    fn the_first_read_of_each_run_is_flagged_once() {
        let mode = MinimalMode::new(true);
        assert!(mode.first_read("a"));
        assert!(!mode.first_read("a"));
        assert!(mode.first_read("b"));
    }

    #[test]
    fn the_404_page_is_html_and_escapes_the_path() {
        let response = not_found_page(&Method::GET, "/v1/<x>");
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert!(
            response.headers()[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
    }
}
