//! The OS keychain for real: a Secret Service in a D-Bus session on Linux (`make test` runs the
//! suite inside `.ci/with-keyring.sh`), the macOS Keychain or the Windows Credential Manager.
//! The key is stored by the app's own key module and read back by a separate `lamina-cli`
//! process, which is how the desktop app and the CLI share it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::process::{Command, Stdio};

use lamina_api::ApiKey;
use lamina_core::credentials::Keychain;
use lamina_sandbox::{SandboxConfig, catalog};

const CLI: &str = env!("CARGO_BIN_EXE_lamina-cli");

#[tokio::test(flavor = "multi_thread")]
async fn the_key_is_stored_read_by_another_process_and_forgotten() {
    Keychain::status().unwrap_or_else(|e| {
        panic!(
            "no usable keychain ({e}; {}): run the tests through `make test`",
            e.detail()
        )
    });
    let secret = format!("lma_keychain_test_{}", std::process::id());
    let server = lamina_sandbox::start(SandboxConfig {
        keys: vec![secret.clone()],
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    // A service name of its own, so a developer's real key is never touched.
    let service = format!("lamina-desktop-test-{}", std::process::id());
    let keychain = Keychain::new(&service, "lamina-api-key");

    keychain.save(&ApiKey::new(secret.clone())).unwrap();
    assert_eq!(
        keychain.load().unwrap().map(|k| k.expose().to_owned()),
        Some(secret.clone())
    );

    // Another process, a fresh entry: the CLI finds the key in the keychain (no LAMINA_API_KEY).
    let cli = |args: &[&str]| {
        let mut command = Command::new(CLI);
        command
            .args(args)
            .env("LAMINA_BASE_URL", server.base_url())
            .env("LAMINA_DATA_DIR", data.path())
            .env("LAMINA_KEYCHAIN_SERVICE", &service)
            .env_remove("LAMINA_API_KEY")
            .stdin(Stdio::null());
        command.output().unwrap()
    };
    let listed = tokio::task::block_in_place(|| cli(&["--json", "apps"]));
    assert_eq!(
        listed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    let apps: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert!(
        apps.as_array()
            .unwrap()
            .iter()
            .any(|a| a["appId"] == catalog::HERO_IMAGE)
    );
    for stream in [&listed.stdout, &listed.stderr] {
        assert!(!String::from_utf8_lossy(stream).contains(&secret));
    }

    keychain.forget().unwrap();
    assert_eq!(keychain.load().unwrap(), None);
    keychain.forget().unwrap(); // forgetting twice is fine
    let refused = tokio::task::block_in_place(|| cli(&["apps"]));
    assert_eq!(refused.status.code(), Some(3), "no key any more: exit 3");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("No Lamina key"));
}
