//! The desktop's interface font, named in the page on Linux. WebKitGTK resolves `system-ui` to the
//! same font (GTK's `gtk-font-name`), but through a slower fontconfig path: measured with
//! `src-tauri/examples/page_paint.rs` on the saved catalog, `system-ui` cost ~20 ms more of the
//! first frame than naming the family (or `sans-serif`), for each of the catalog's sizes and
//! weights. So the asset provider puts the family on `<html>` as `--font`, read once at start-up
//! on the main thread, before the window asks for its page; `styles.css` falls back to
//! `sans-serif` (fontconfig's default) when there is none.

/// Fontconfig's generic names: naming them is the same as `sans-serif` etc., so they are dropped.
#[cfg(target_os = "linux")]
const GENERIC: &[&str] = &[
    "sans",
    "sans serif",
    "sans-serif",
    "serif",
    "monospace",
    "system-ui",
];

/// The CSS family list for a GTK font name such as `"Cantarell 11"` or `"Noto Sans Bold 10"`:
/// `"Cantarell"`, or `None` for a generic or unusable name. Only plain names pass (letters,
/// digits, spaces, `-`, `_`, `.`), since they go into the page's markup.
#[cfg(target_os = "linux")]
pub fn css_family(gtk_font_name: &str) -> Option<String> {
    let description = gtk::pango::FontDescription::from_string(gtk_font_name);
    let families = description.family()?;
    let named: Vec<String> = families
        .split(',')
        .map(str::trim)
        .filter(|family| !family.is_empty())
        .filter(|family| !GENERIC.contains(&family.to_ascii_lowercase().as_str()))
        .map(|family| {
            family
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.'))
                .then(|| format!("\"{family}\""))
        })
        .collect::<Option<_>>()?;
    (!named.is_empty()).then(|| named.join(", "))
}

/// The desktop's interface font as a CSS family list, if GTK names one (main thread only).
pub fn read() -> Option<String> {
    #[cfg(target_os = "linux")]
    {
        use gtk::prelude::GtkSettingsExt;
        if !gtk::is_initialized_main_thread() {
            return None;
        }
        let name = gtk::Settings::default()?.gtk_font_name()?;
        css_family(&name)
    }
    #[cfg(not(target_os = "linux"))]
    None
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn the_family_is_taken_from_gtk_font_names() {
        assert_eq!(css_family("Cantarell 11").as_deref(), Some("\"Cantarell\""));
        assert_eq!(
            css_family("Noto Sans Bold 10").as_deref(),
            Some("\"Noto Sans\"")
        );
        assert_eq!(
            css_family("Adwaita Sans, Sans 11").as_deref(),
            Some("\"Adwaita Sans\"")
        );
    }

    #[test]
    fn generic_and_unsafe_names_fall_back_to_the_stylesheet() {
        for name in [
            "Sans 10",
            "Sans Serif 10",
            "Monospace 9",
            "",
            "Evil\"><img 10",
        ] {
            assert_eq!(css_family(name), None, "{name}");
        }
    }
}
