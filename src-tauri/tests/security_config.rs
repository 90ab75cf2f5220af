//! The security settings recorded in SECURITY.md, checked against the files that make them:
//! tauri.conf.json (CSP, freezePrototype, no global Tauri, no asset protocol, one capability),
//! the main window's capability (only the app's own commands plus four read-only core
//! permissions, local only) and the command allow-list in build.rs, which must name exactly the
//! commands lib.rs registers and the capability allows.

use std::collections::BTreeSet;

use serde_json::Value;

const CONFIG: &str = include_str!("../../tauri.conf.json");
const CAPABILITY: &str = include_str!("../capabilities/default.json");
const BUILD_RS: &str = include_str!("../build.rs");
const LIB_RS: &str = include_str!("../src/lib.rs");

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

fn csp(directive: &str) -> Vec<String> {
    json(CONFIG)["app"]["security"]["csp"][directive]
        .as_str()
        .unwrap_or("")
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

/// The quoted names in the body of `fn lamina_desktop_commands` in build.rs.
fn build_allow_list() -> BTreeSet<String> {
    let body = BUILD_RS
        .split("fn lamina_desktop_commands")
        .nth(1)
        .unwrap_or("");
    body.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// The command names inside `collect_commands![...]` in lib.rs.
fn registered_commands() -> BTreeSet<String> {
    let inner = LIB_RS
        .split("collect_commands![")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .unwrap_or("");
    inner
        .split(',')
        .filter_map(|path| path.trim().rsplit("::").next())
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn csp_allows_no_inline_script_no_frames_and_only_ipc_connections() {
    let script = csp("script-src");
    assert_eq!(script, ["'self'"], "script-src: {script:?}");
    assert_eq!(csp("default-src"), ["'self'"]);
    assert_eq!(csp("frame-src"), ["'none'"]);
    assert_eq!(csp("object-src"), ["'none'"]);
    assert_eq!(csp("base-uri"), ["'none'"]);
    assert_eq!(csp("form-action"), ["'none'"]);
    // The web view talks to Rust only; every HTTP request to the service is made in Rust.
    assert_eq!(csp("connect-src"), ["ipc:", "http://ipc.localhost"]);
    // Images and video come from the lamina:// protocol (the output cache) only: no remote hosts.
    for directive in ["img-src", "media-src", "font-src", "style-src"] {
        for source in csp(directive) {
            assert!(
                !source.starts_with("http") || source.ends_with(".localhost"),
                "{directive} allows a remote source: {source}"
            );
            assert!(
                source != "*" && source != "https:" && source != "http:",
                "{directive}: {source}"
            );
        }
    }
    let security = &json(CONFIG)["app"]["security"];
    assert_eq!(
        security["dangerousDisableAssetCspModification"],
        Value::Null
    );
}

#[test]
fn prototypes_frozen_no_global_tauri_no_asset_protocol() {
    let config = json(CONFIG);
    assert_eq!(config["app"]["security"]["freezePrototype"], true);
    assert_eq!(config["app"]["withGlobalTauri"], false);
    assert_eq!(config["app"]["security"]["assetProtocol"]["enable"], false);
    assert_eq!(
        config["app"]["security"]["capabilities"],
        serde_json::json!(["default"])
    );
    // No window loads a remote URL.
    for window in config["app"]["windows"].as_array().into_iter().flatten() {
        assert!(window["url"].is_null(), "a window with a url: {window}");
    }
}

#[test]
fn the_main_window_may_call_only_the_allow_listed_commands() {
    let capability = json(CAPABILITY);
    assert_eq!(capability["windows"], serde_json::json!(["main"]));
    assert!(capability["remote"].is_null(), "remote URLs get no IPC");
    assert_ne!(capability["local"], false);
    let granted: BTreeSet<String> = capability["permissions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    let core: BTreeSet<String> = granted
        .iter()
        .filter(|p| p.contains(':'))
        .cloned()
        .collect();
    assert_eq!(
        core,
        [
            "core:app:allow-name",
            "core:app:allow-version",
            "core:event:allow-listen",
            "core:event:allow-unlisten",
        ]
        .map(str::to_owned)
        .into(),
        "no plugin (dialog, clipboard, opener, updater) and no other core permission"
    );
    let own: BTreeSet<String> = granted
        .iter()
        .filter_map(|p| p.strip_prefix("allow-"))
        .map(|p| p.replace('-', "_"))
        .collect();
    assert_eq!(
        granted.len(),
        core.len() + own.len(),
        "unexpected: {granted:?}"
    );
    let allow_list = build_allow_list();
    let registered = registered_commands();
    assert!(registered.len() >= 20, "parsed lib.rs: {registered:?}");
    assert_eq!(allow_list, registered, "build.rs allow-list vs lib.rs");
    assert_eq!(own, registered, "capability vs lib.rs");
}
