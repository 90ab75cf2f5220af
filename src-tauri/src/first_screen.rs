//! The first frame at start-up: the shell and the catalog exactly as React drew them at the last
//! start, put into `index.html` when the window asks for it, so the web view paints the real
//! catalog with its first frame, before any script has run. React then draws the same markup over
//! it in one commit (same DOM, so nothing moves or changes colour), and saves it again.
//!
//! The markup comes from the page, so it is checked before it goes back into a page: no element
//! that could run or load anything (scripts, styles, frames, objects, base, meta, link, forms), no
//! Tauri nonce placeholder (Tauri puts a fresh script nonce wherever that token appears in an HTML
//! asset), a size cap, and only from the same UI build (another build's markup may not match its
//! React). The page's CSP is unchanged: nothing here needs an inline script.

use std::borrow::Cow;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};
use tauri::utils::assets::{AssetKey, AssetsIter, CspHash};
use tauri::{App, Assets, Runtime};

/// Where it is kept, in the app's data folder.
pub const FILE_NAME: &str = "first-screen.json";
/// The catalog of a large workspace is a few tens of kB of markup.
const MAX_MARKUP_BYTES: usize = 512 * 1024;
/// The empty mount point in the built `index.html` (Vite keeps it as written in ui/index.html).
const EMPTY_ROOT: &str = r#"<div id="root"></div>"#;
const HTML_OPEN: &str = "<html lang=\"en\">";
/// The start of `<html>`, before any attribute added here.
const HTML_LANG: &str = "<html lang=\"en\"";
/// Lower-case prefixes refused anywhere in the markup (text is escaped by the page, so these only
/// appear as real tags or attributes).
const REFUSED: &[&str] = &[
    "<script",
    "<style",
    "<link",
    "<meta",
    "<base",
    "<iframe",
    "<frame",
    "<object",
    "<embed",
    "<form",
    "<template",
    "<noscript",
    "<plaintext",
    "<xmp",
    "__tauri_",
];

/// The theme chosen in Settings, which `<html data-theme>` carries before React runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ChosenTheme {
    Light,
    Dark,
    System,
}

/// What the page sends once its first catalog is drawn: the inner HTML of `#root` and the theme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct FirstScreen {
    pub markup: String,
    pub theme: ChosenTheme,
}

/// On disk: the screen and the UI build it was drawn by.
#[derive(Debug, Serialize, Deserialize)]
struct Saved {
    ui_build: String,
    #[serde(flatten)]
    screen: FirstScreen,
}

/// Shared by the asset provider (which reads it) and the `save_first_screen` command (which writes it).
#[derive(Debug, Default)]
pub struct FirstScreenStore {
    dir: OnceLock<PathBuf>,
    /// A hash of the embedded `index.html` (whose script and style names carry content hashes).
    ui_build: OnceLock<String>,
    /// The desktop's interface font (`crate::desktop_font`), read when the app is set up.
    desktop_font: OnceLock<Option<String>>,
}

impl FirstScreenStore {
    pub fn set_dir(&self, dir: PathBuf) {
        let _ = self.dir.set(dir);
    }

    fn path(&self) -> Option<PathBuf> {
        self.dir.get().map(|dir| dir.join(FILE_NAME))
    }

    /// Keeps the screen for the next start (nothing is written when it did not change).
    pub fn save(&self, screen: Option<FirstScreen>) -> std::io::Result<()> {
        let Some(path) = self.path() else {
            return Ok(());
        };
        let Some(screen) = screen.filter(|screen| is_plain_markup(&screen.markup)) else {
            return match std::fs::remove_file(&path) {
                Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error),
                _ => Ok(()),
            };
        };
        let Some(ui_build) = self.ui_build.get().cloned() else {
            return Ok(());
        };
        let json = serde_json::to_vec(&Saved { ui_build, screen })?;
        if std::fs::read(&path).is_ok_and(|old| old == json) {
            return Ok(());
        }
        let partial = path.with_extension("json.partial");
        std::fs::write(&partial, json)?;
        std::fs::rename(partial, path)
    }

    /// The theme saved with the last first screen (any UI build), to paint the window's
    /// background in it before the page's first frame.
    pub fn saved_theme(&self) -> Option<ChosenTheme> {
        let saved: Saved = serde_json::from_slice(&std::fs::read(self.path()?).ok()?).ok()?;
        Some(saved.screen.theme)
    }

    /// The page with the saved screen in it, or `None` to serve it as built.
    fn page_with_first_screen(&self, index_html: &[u8]) -> Option<String> {
        let ui_build = self.ui_build.get_or_init(|| build_hash(index_html));
        let saved: Saved = serde_json::from_slice(&std::fs::read(self.path()?).ok()?).ok()?;
        if &saved.ui_build != ui_build {
            return None;
        }
        inject(std::str::from_utf8(index_html).ok()?, &saved.screen)
    }
}

fn build_hash(index_html: &[u8]) -> String {
    // Deterministic within one binary, which is all that is compared.
    let mut hasher = std::hash::DefaultHasher::new();
    index_html.hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

/// True when the markup holds nothing that could run, load or restyle anything.
pub fn is_plain_markup(markup: &str) -> bool {
    if markup.len() > MAX_MARKUP_BYTES {
        return false;
    }
    let lower = markup.to_ascii_lowercase();
    !REFUSED.iter().any(|refused| lower.contains(refused))
}

/// `index.html` with the markup inside `#root` and the chosen theme on `<html>`.
pub fn inject(index_html: &str, screen: &FirstScreen) -> Option<String> {
    if !is_plain_markup(&screen.markup) || !index_html.contains(EMPTY_ROOT) {
        return None;
    }
    let root = format!(r#"<div id="root">{}</div>"#, screen.markup);
    let page = index_html.replacen(EMPTY_ROOT, &root, 1);
    Some(match screen.theme {
        ChosenTheme::System => page,
        ChosenTheme::Light => page.replacen(HTML_OPEN, r#"<html lang="en" data-theme="light">"#, 1),
        ChosenTheme::Dark => page.replacen(HTML_OPEN, r#"<html lang="en" data-theme="dark">"#, 1),
    })
}

/// Which web view draws the page, as `<html data-webview>`, for the styles that depend on it
/// (the Linux font list in ui/src/styles.css): there from the first frame, before any script.
const WEB_VIEW: Option<&str> = if cfg!(target_os = "linux") {
    Some("webkitgtk")
} else {
    None
};

/// `index.html` with the web view named on `<html>`, and the desktop's font (a CSS family list
/// checked by `desktop_font::css_family`) as its `--font` where there is one; unchanged where no
/// style depends on them.
pub fn mark_web_view(page: &str, desktop_font: Option<&str>) -> String {
    let Some(name) = WEB_VIEW else {
        return page.to_owned();
    };
    let font = desktop_font
        .map(|family| format!(" style='--font: {family}, sans-serif'"))
        .unwrap_or_default();
    page.replacen(
        HTML_LANG,
        &format!(r#"{HTML_LANG} data-webview="{name}"{font}"#),
        1,
    )
}

/// The app's embedded assets, with the saved first screen put into `index.html`.
pub struct WithFirstScreen<R: Runtime> {
    inner: Box<dyn Assets<R>>,
    store: Arc<FirstScreenStore>,
}

impl<R: Runtime> WithFirstScreen<R> {
    /// Wraps the context's assets (swapped out and back in, since the context owns them).
    pub fn install(context: &mut tauri::Context<R>, store: Arc<FirstScreenStore>) {
        let inner = context.set_assets(Box::new(NoAssets));
        context.set_assets(Box::new(Self { inner, store }));
    }
}

impl<R: Runtime> Assets<R> for WithFirstScreen<R> {
    fn setup(&self, app: &App<R>) {
        self.inner.setup(app);
        match crate::app_data_dir(app) {
            Ok(dir) => self.store.set_dir(dir),
            Err(error) => tracing::warn!(%error, "no data folder for the first screen"),
        }
        // Here, on the main thread with GTK started, before the window asks for its page.
        let _ = self.store.desktop_font.set(crate::desktop_font::read());
    }

    fn get(&self, key: &AssetKey) -> Option<Cow<'_, [u8]>> {
        let asset = self.inner.get(key)?;
        if key.as_ref() != "/index.html" {
            return Some(asset);
        }
        let page = match self.store.page_with_first_screen(&asset) {
            Some(page) => page,
            None => match std::str::from_utf8(&asset) {
                Ok(page) if WEB_VIEW.is_some() => page.to_owned(),
                _ => return Some(asset),
            },
        };
        let font = self.store.desktop_font.get().and_then(Option::as_deref);
        Some(Cow::Owned(mark_web_view(&page, font).into_bytes()))
    }

    fn iter(&self) -> Box<AssetsIter<'_>> {
        self.inner.iter()
    }

    fn csp_hashes(&self, html_path: &AssetKey) -> Box<dyn Iterator<Item = CspHash<'_>> + '_> {
        self.inner.csp_hashes(html_path)
    }
}

/// Stands in for a moment while the real assets are wrapped.
struct NoAssets;

impl<R: Runtime> Assets<R> for NoAssets {
    fn get(&self, _key: &AssetKey) -> Option<Cow<'_, [u8]>> {
        None
    }

    fn iter(&self) -> Box<AssetsIter<'_>> {
        Box::new(std::iter::empty())
    }

    fn csp_hashes(&self, _html_path: &AssetKey) -> Box<dyn Iterator<Item = CspHash<'_>> + '_> {
        Box::new(std::iter::empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX: &str = "<!doctype html>\n<html lang=\"en\">\n<head><script type=\"module\" src=\"./assets/index-1.js\"></script></head>\n<body>\n<div id=\"root\"></div>\n</body>\n</html>";

    /// For tests: a store on a folder, as if the page had been served once by this build.
    fn store_for(dir: &std::path::Path, index_html: &[u8]) -> FirstScreenStore {
        let store = FirstScreenStore::default();
        store.set_dir(dir.to_owned());
        let _ = store.ui_build.set(build_hash(index_html));
        store
    }

    fn screen(markup: &str, theme: ChosenTheme) -> FirstScreen {
        FirstScreen {
            markup: markup.into(),
            theme,
        }
    }

    #[test]
    fn the_markup_goes_inside_root_and_the_theme_on_html() {
        let page = inject(
            INDEX,
            &screen(r#"<div class="shell">A &lt;b&gt;</div>"#, ChosenTheme::Dark),
        )
        .expect("injected");
        assert!(page.contains(r#"<div id="root"><div class="shell">A &lt;b&gt;</div></div>"#));
        assert!(page.contains(r#"<html lang="en" data-theme="dark">"#));
        let system = inject(INDEX, &screen("<p>x</p>", ChosenTheme::System)).expect("injected");
        assert!(system.contains("<html lang=\"en\">\n"));
    }

    #[test]
    fn the_page_names_its_web_view_with_or_without_a_saved_screen() {
        let dark = inject(INDEX, &screen("<p>x</p>", ChosenTheme::Dark)).expect("injected");
        for page in [INDEX.to_owned(), dark] {
            let marked = mark_web_view(&page, None);
            if cfg!(target_os = "linux") {
                assert!(marked.contains(r#"<html lang="en" data-webview="webkitgtk""#));
                assert_eq!(marked.matches("data-webview").count(), 1);
            } else {
                assert_eq!(marked, page);
            }
            let with_font = mark_web_view(&page, Some("\"Cantarell\""));
            if cfg!(target_os = "linux") {
                assert!(with_font.contains(
                    r#"data-webview="webkitgtk" style='--font: "Cantarell", sans-serif'"#
                ));
            } else {
                assert_eq!(with_font, page);
            }
            // The theme the saved screen carries stays on <html>.
            assert_eq!(
                marked.contains(r#"data-theme="dark">"#),
                page.contains(r#"data-theme="dark">"#)
            );
        }
    }

    #[test]
    fn markup_that_could_run_or_load_anything_is_refused() {
        for bad in [
            "<p>x</p><script>alert(1)</script>",
            "<SCRIPT src=x></SCRIPT>",
            "<svg><script>alert(1)</script></svg>",
            "<p nonce=\"__TAURI_SCRIPT_NONCE__\">",
            "<style>*{display:none}</style>",
            "<link rel=stylesheet href=x>",
            "<meta http-equiv=refresh content=0>",
            "<base href=x>",
            "<iframe src=x></iframe>",
            "<object data=x></object>",
            "<embed src=x>",
            "<form action=x>",
            "<template><p></p></template>",
            "<noscript><p></p></noscript>",
            "<plaintext>",
        ] {
            assert!(!is_plain_markup(bad), "{bad}");
            assert_eq!(
                inject(INDEX, &screen(bad, ChosenTheme::Light)),
                None,
                "{bad}"
            );
        }
        // Escaped text is fine: that is how the page serialises an app named "<script>".
        assert!(is_plain_markup(
            "<span>&lt;script&gt;alert(1)&lt;/script&gt;</span>"
        ));
        assert!(!is_plain_markup(&"x".repeat(MAX_MARKUP_BYTES + 1)));
    }

    #[test]
    fn a_page_without_the_empty_root_is_served_as_built() {
        assert_eq!(
            inject(
                "<html><body></body></html>",
                &screen("<p>x</p>", ChosenTheme::Dark)
            ),
            None
        );
    }

    #[test]
    fn the_saved_screen_is_served_only_to_the_build_that_drew_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = store_for(dir.path(), INDEX.as_bytes());
        store
            .save(Some(screen("<main>cards</main>", ChosenTheme::Light)))
            .expect("saved");
        let page = store
            .page_with_first_screen(INDEX.as_bytes())
            .expect("served");
        assert!(page.contains(r#"<div id="root"><main>cards</main></div>"#));

        let other_build = INDEX.replace("index-1.js", "index-2.js");
        let fresh = store_for(dir.path(), other_build.as_bytes());
        assert_eq!(fresh.page_with_first_screen(other_build.as_bytes()), None);

        // Refused markup is never written; saving nothing forgets the last one.
        store
            .save(Some(screen("<script></script>", ChosenTheme::Light)))
            .expect("forgotten");
        assert!(!dir.path().join(FILE_NAME).exists());
        store.save(None).expect("nothing to forget");
    }

    #[test]
    fn a_tampered_file_is_checked_again_when_served() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = store_for(dir.path(), INDEX.as_bytes());
        let ui_build = build_hash(INDEX.as_bytes());
        let tampered = serde_json::json!({
            "ui_build": ui_build,
            "markup": "<script nonce=\"__TAURI_SCRIPT_NONCE__\">alert(1)</script>",
            "theme": "dark",
        });
        std::fs::write(dir.path().join(FILE_NAME), tampered.to_string()).expect("written");
        assert_eq!(store.page_with_first_screen(INDEX.as_bytes()), None);
    }
}
