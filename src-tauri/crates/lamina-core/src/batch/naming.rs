//! File names from a pattern such as `{sku}_{label}_{n}.{ext}`. Placeholders: any column of the
//! table, `app`, `label` (the output's label), `n` (the output's number within its run, from 1),
//! `row` (the row's number), `date` (the run's day, `YYYY-MM-DD`), `run` (the service's run id)
//! and `ext` (the file's extension). Names compare without case, spaces, `_` or `-`.

use std::collections::BTreeMap;

use super::{BatchInputError, normalize};

pub const DEFAULT_PATTERN: &str = "{row}_{label}_{n}.{ext}";
const BUILT_INS: [&str; 7] = ["app", "label", "n", "row", "date", "run", "ext"];

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Field(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamePattern {
    pieces: Vec<Piece>,
}

/// The values one file's name is made from.
#[derive(Debug, Clone, Default)]
pub struct NameContext<'a> {
    pub cells: Option<&'a BTreeMap<String, String>>,
    pub app: &'a str,
    pub label: &'a str,
    pub n: usize,
    pub row: Option<u32>,
    pub date: String,
    pub run: &'a str,
    pub ext: &'a str,
}

impl NamePattern {
    /// Parses `pattern`; a placeholder that is neither built in nor one of `columns` is an error.
    pub fn parse(pattern: &str, columns: &[String]) -> Result<Self, BatchInputError> {
        let mut pieces = Vec::new();
        let mut rest = pattern;
        let mut unknown = Vec::new();
        while let Some(open) = rest.find('{') {
            if open > 0 {
                pieces.push(Piece::Text(rest[..open].to_owned()));
            }
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                return Err(BatchInputError::single(
                    None,
                    None,
                    format!("the name pattern \"{pattern}\" has a '{{' without its '}}'"),
                ));
            };
            let name = normalize(&after[..close]);
            if !BUILT_INS.contains(&name.as_str()) && !columns.iter().any(|c| normalize(c) == name)
            {
                unknown.push(after[..close].to_owned());
            }
            pieces.push(Piece::Field(name));
            rest = &after[close + 1..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_owned()));
        }
        if !unknown.is_empty() {
            return Err(BatchInputError::single(
                None,
                None,
                format!(
                    "the name pattern uses {} which {} neither a column of the table ({}) nor one \
                     of {}",
                    unknown
                        .iter()
                        .map(|u| format!("{{{u}}}"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    if unknown.len() == 1 { "is" } else { "are" },
                    columns.join(", "),
                    BUILT_INS.map(|b| format!("{{{b}}}")).join(", ")
                ),
            ));
        }
        if !pieces.iter().any(|p| matches!(p, Piece::Field(_))) {
            // A fixed name would make every file overwrite the previous one.
            pieces.push(Piece::Text("_".into()));
            pieces.push(Piece::Field("n".into()));
        }
        Ok(Self { pieces })
    }

    /// The columns this pattern mentions (they are kept even when they feed no parameter).
    pub fn columns_used(pattern: &str) -> Vec<String> {
        pattern
            .split('{')
            .skip(1)
            .filter_map(|s| s.split_once('}').map(|(name, _)| name.trim().to_owned()))
            .filter(|name| !BUILT_INS.contains(&normalize(name).as_str()))
            .collect()
    }

    pub fn has_extension(&self) -> bool {
        self.pieces
            .iter()
            .any(|p| matches!(p, Piece::Field(f) if f == "ext"))
    }

    /// The file name (never a path: separators and other unsafe characters become `_`).
    pub fn render(&self, ctx: &NameContext<'_>) -> String {
        let mut name = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(text) => name.push_str(&sanitize(text)),
                Piece::Field(field) => {
                    let value = match field.as_str() {
                        "app" => ctx.app.to_owned(),
                        "label" => ctx.label.to_owned(),
                        "n" => ctx.n.to_string(),
                        "row" => ctx.row.map(|r| r.to_string()).unwrap_or_default(),
                        "date" => ctx.date.clone(),
                        "run" => ctx.run.to_owned(),
                        "ext" => ctx.ext.to_owned(),
                        column => ctx
                            .cells
                            .and_then(|cells| {
                                cells
                                    .iter()
                                    .find(|(k, _)| normalize(k) == column)
                                    .map(|(_, v)| v.clone())
                            })
                            .unwrap_or_default(),
                    };
                    name.push_str(&sanitize(&value));
                }
            }
        }
        // A pattern that spells the extension out (`{sku}_{n}.png`) does not get it twice.
        let spelled_out = name
            .to_lowercase()
            .ends_with(&format!(".{}", ctx.ext.to_lowercase()));
        if !self.has_extension() && !ctx.ext.is_empty() && !spelled_out {
            name.push('.');
            name.push_str(ctx.ext);
        }
        let name = name.trim_matches(|c: char| c == '.' || c.is_whitespace());
        let mut name: String = name.chars().take(180).collect();
        if name.is_empty() {
            name = format!("output_{}", ctx.n);
        }
        name
    }
}

fn sanitize(value: &str) -> String {
    value
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_columns_and_built_ins_safely() {
        let columns = vec!["SKU".to_owned()];
        let p = NamePattern::parse("{sku}_{label}_{n}.{ext}", &columns).unwrap();
        let cells: BTreeMap<String, String> = [("SKU".to_owned(), "A/1".to_owned())].into();
        let name = p.render(&NameContext {
            cells: Some(&cells),
            label: "Hero Image",
            n: 2,
            ext: "png",
            ..NameContext::default()
        });
        assert_eq!(name, "A_1_Hero Image_2.png");
        assert_eq!(
            NamePattern::columns_used("{sku}_{label}_{Colour}"),
            ["sku", "Colour"]
        );
    }

    #[test]
    fn unknown_placeholders_are_errors_and_fixed_names_get_a_number() {
        assert!(NamePattern::parse("{nope}.{ext}", &[]).is_err());
        let p = NamePattern::parse("shot", &[]).unwrap();
        let name = p.render(&NameContext {
            n: 3,
            ext: "jpg",
            ..NameContext::default()
        });
        assert_eq!(name, "shot_3.jpg");
        let columns = vec!["sku".to_owned()];
        let cells: BTreeMap<String, String> = [("sku".to_owned(), "A1".to_owned())].into();
        let spelled = NamePattern::parse("{sku}_{n}.PNG", &columns).unwrap();
        let ctx = |ext| NameContext {
            cells: Some(&cells),
            n: 1,
            ext,
            ..NameContext::default()
        };
        assert_eq!(spelled.render(&ctx("png")), "A1_1.PNG");
        assert_eq!(spelled.render(&ctx("jpg")), "A1_1.PNG.jpg");
    }
}
