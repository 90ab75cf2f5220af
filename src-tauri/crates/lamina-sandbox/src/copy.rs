//! The "Product Copy" app's text: assembled from the inputs, deterministic per run seed.

use lamina_api::Inputs;

pub(crate) fn product_copy(inputs: &Inputs, seed: u64) -> String {
    let name = inputs
        .get("Product Name")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .unwrap_or("your product");
    let features: Vec<&str> = inputs
        .get("Key Features")
        .map(|f| {
            f.split([',', ';', '\n'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let tone = inputs.get("Tone").map(String::as_str).unwrap_or("Friendly");
    let (opening, closing) = match (tone, seed % 2) {
        ("Luxury", 0) => ("Discover", "Crafted for those who notice the details."),
        ("Luxury", _) => ("Indulge in", "An understated statement of quality."),
        ("Technical", 0) => ("Introducing", "Engineered to specification, built to last."),
        ("Technical", _) => ("Meet", "Every detail measured, tested and proven."),
        (_, 0) => ("Say hello to", "You're going to love it."),
        (_, _) => ("Meet", "Made to make your day a little better."),
    };
    let mut text = format!("{opening} {name}.");
    match features.as_slice() {
        [] => {}
        [one] => text.push_str(&format!(" Featuring {one}.")),
        [init @ .., last] => {
            text.push_str(&format!(" Featuring {} and {last}.", init.join(", ")));
        }
    }
    text.push(' ');
    text.push_str(closing);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_mentions_name_and_features_in_tone() {
        let inputs: Inputs = [
            ("Product Name", "Aurora Desk Lamp"),
            ("Key Features", "dimmable, USB-C charging; oak base"),
            ("Tone", "Luxury"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let text = product_copy(&inputs, 0);
        assert!(text.starts_with("Discover Aurora Desk Lamp."), "{text}");
        assert!(
            text.contains("dimmable, USB-C charging and oak base"),
            "{text}"
        );
        assert_ne!(text, product_copy(&inputs, 1));
    }
}
