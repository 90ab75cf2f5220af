//! Which keychain holds the key (or that it comes from elsewhere).

use super::{CheckId, CheckLine, CheckStatus, KeyOrigin};
use crate::credentials::{KEYCHAIN_ACCOUNT, Keychain};

/// The store keyring 4 uses on this platform (its default features pick one per system).
fn backend_name() -> &'static str {
    if cfg!(target_os = "linux") {
        "the Secret Service keyring (GNOME Keyring or KWallet)"
    } else if cfg!(target_os = "macos") {
        "the macOS Keychain"
    } else if cfg!(target_os = "windows") {
        "Windows Credential Manager"
    } else {
        "this computer's keychain"
    }
}

fn backend_detail() -> &'static str {
    if cfg!(target_os = "linux") {
        "keyring 4: zbus Secret Service store"
    } else if cfg!(target_os = "macos") {
        "keyring 4: Apple keychain store"
    } else if cfg!(target_os = "windows") {
        "keyring 4: Windows native store"
    } else {
        "keyring 4: default store"
    }
}

pub(super) async fn keychain_line(origin: &KeyOrigin) -> CheckLine {
    let line = |status, message: String, detail: String| {
        CheckLine::new(CheckId::Keychain, status, message, detail)
    };
    let keychain = match origin {
        KeyOrigin::Environment { variable } => {
            return line(
                CheckStatus::Ok,
                format!("The key comes from {variable}, not from the keychain."),
                format!("environment variable {variable} is set"),
            );
        }
        KeyOrigin::Demo => {
            return line(
                CheckStatus::Skipped,
                "The demo workspace needs no key.".into(),
                String::new(),
            );
        }
        KeyOrigin::Keychain(keychain) => keychain.clone(),
    };
    // Keychain calls block on an OS service.
    let found = tokio::task::spawn_blocking(move || {
        Keychain::status()?;
        keychain.load()
    })
    .await;
    let name = backend_name();
    let detail = |extra: &str| {
        format!(
            "{}; entry account {KEYCHAIN_ACCOUNT}; {extra}",
            backend_detail()
        )
    };
    match found {
        Ok(Ok(Some(_))) => line(
            CheckStatus::Ok,
            format!("Your key is kept safe in {name}."),
            detail("the entry holds a key"),
        ),
        Ok(Ok(None)) => line(
            CheckStatus::Warning,
            format!("No key is saved in {name}. Save your key in Settings."),
            detail("no entry"),
        ),
        Ok(Err(error)) => line(
            CheckStatus::Problem,
            error.to_string(),
            detail(error.detail()),
        ),
        Err(error) => line(
            CheckStatus::Problem,
            "The keychain couldn't be asked. Try again.".into(),
            detail(&error.to_string()),
        ),
    }
}
