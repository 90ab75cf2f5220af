//! The API key in a redacting newtype: it prints as `<redacted>`, cannot be serialised, and only
//! [`ApiKey::expose`] (used when building the auth header) hands out the secret.

use std::fmt;

#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into().trim().to_owned())
    }

    /// The secret itself. Call sites: the auth header, the keychain write. Nothing else.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Lamina keys start with `lma_`; anything else is certainly a paste mistake.
    pub fn looks_valid(&self) -> bool {
        self.0.starts_with("lma_") && self.0.len() > 4 && !self.0.contains(char::is_whitespace)
    }

    /// What the UI may show: the last four characters.
    pub fn last_four(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        chars[chars.len().saturating_sub(4)..].iter().collect()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_the_secret() {
        let key = ApiKey::new(" lma_supersecret123 ");
        assert_eq!(format!("{key} {key:?}"), "<redacted> ApiKey(<redacted>)");
        assert_eq!(key.last_four(), "t123");
        assert!(key.looks_valid());
        assert!(!ApiKey::new("sk-other").looks_valid());
    }
}
