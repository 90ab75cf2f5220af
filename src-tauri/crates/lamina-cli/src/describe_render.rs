//! What `create`, `templates`, `brand`, `publish` and `publishing` print: one JSON document with
//! `--json`, readable text otherwise.

use lamina_core::content::{BrandView, ContentRunView, ContentScores, TemplateView};
use lamina_core::publishing::{
    ChannelOutcome, ChannelView, PublishState, PublishView, PublishingHistory,
};
use serde::Serialize;

fn print_json<T: Serialize + ?Sized>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        Err(error) => eprintln!("error: cannot encode output: {error}"),
    }
}

/// Which app Lamina chose, why, and the inputs it filled (on stderr, before following).
pub fn chosen(view: &ContentRunView) {
    let app = view.chosen_app().unwrap_or("(not chosen yet)");
    eprintln!("Lamina chose: {app}");
    if let Some(reason) = &view.content.reason {
        eprintln!("Why: {reason}");
    }
}

/// One content run (`create "BRIEF"`) or a list (`create --briefs`).
pub fn content_runs(views: &[ContentRunView], json: bool, many: bool) {
    if json {
        return match (many, views.first()) {
            (false, Some(view)) => print_json(view),
            _ => print_json(views),
        };
    }
    for view in views {
        content_run(view);
    }
}

fn content_run(view: &ContentRunView) {
    println!("Brief: {}", view.content.request.brief);
    println!(
        "App: {}",
        view.chosen_app().unwrap_or("(the service did not say)")
    );
    if let Some(reason) = &view.content.reason {
        println!("Why: {reason}");
    }
    let inputs = view
        .content
        .mapped_inputs
        .as_ref()
        .unwrap_or(&view.run.inputs);
    if !inputs.is_empty() {
        println!("Inputs:");
        for (name, value) in inputs {
            println!("  {name}: {value}");
        }
    }
    crate::render::run(&view.run, false);
    if let Some(scores) = &view.content.scores {
        println!("{}", scores_line(scores));
    }
    println!();
}

fn scores_line(scores: &ContentScores) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(overall) = scores.overall {
        parts.push(format!("overall {overall:.0}/100"));
    }
    for dimension in &scores.dimensions {
        parts.push(format!("{} {:.0}", dimension.label, dimension.value));
    }
    format!("Scores: {}", parts.join(" · "))
}

pub fn templates(templates: &[TemplateView], json: bool) {
    if json {
        return print_json(templates);
    }
    if templates.is_empty() {
        println!("No templates.");
        return;
    }
    println!(
        "{:<28}  {:<28}  {:<24}  MAKES",
        "TEMPLATE ID", "NAME", "FOR"
    );
    for template in templates {
        let makes: Vec<String> = template
            .produces
            .iter()
            .map(|p| match &p.modality {
                Some(modality) => format!("{} ({modality})", p.role),
                None => p.role.clone(),
            })
            .collect();
        println!(
            "{:<28}  {:<28}  {:<24}  {}",
            template.id,
            template.name,
            template.suggested_platforms.join(", "),
            makes.join(", ")
        );
    }
}

pub fn template(template: &TemplateView, json: bool) {
    if json {
        return print_json(template);
    }
    println!("{}  ({})", template.name, template.id);
    if let Some(description) = &template.description {
        println!("{description}");
    }
    println!("For: {}", template.suggested_platforms.join(", "));
    println!("Kinds: {}", template.suggested_modalities.join(", "));
    if !template.produces.is_empty() {
        println!("Makes:");
        for part in &template.produces {
            println!(
                "  {} ({}): {}",
                part.role,
                part.modality.as_deref().unwrap_or("any"),
                part.description.as_deref().unwrap_or_default()
            );
        }
    }
    list("Aims for", &template.directives);
    list("Avoids", &template.avoid);
}

fn list(title: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    println!("{title}:");
    for item in items {
        println!("  - {item}");
    }
}

pub fn brand(brand: &BrandView, json: bool) {
    if json {
        return print_json(brand);
    }
    println!(
        "Brand: {}",
        brand.name.as_deref().unwrap_or("(default profile)")
    );
    list("Voice", &brand.voice);
    if let Some(primary) = &brand.tone_primary {
        let secondary = brand
            .tone_secondary
            .as_deref()
            .map(|s| format!(", {s}"))
            .unwrap_or_default();
        println!("Tone: {primary}{secondary}");
    }
    if !brand.tone_avoid.is_empty() {
        println!("Tone to avoid: {}", brand.tone_avoid.join(", "));
    }
    let identity: Vec<String> = brand
        .visual_identity
        .iter()
        .map(|e| match &e.label {
            Some(label) => format!("{label}: {}", e.value),
            None => e.value.clone(),
        })
        .collect();
    list("Look", &identity);
    list("Pillars", &brand.content_pillars);
    list("Audience", &brand.audience);
    list("Guardrails", &brand.guardrails);
}

pub fn channels(channels: &[ChannelView], json: bool) {
    if json {
        return print_json(channels);
    }
    if channels.is_empty() {
        println!("No channels connected.");
        return;
    }
    println!("{:<24}  {:<20}  PLATFORM", "CHANNEL ID", "NAME");
    for channel in channels {
        println!(
            "{:<24}  {:<20}  {}",
            channel.id,
            channel.name,
            channel.platform.as_deref().unwrap_or_default()
        );
    }
}

fn state_word(state: PublishState) -> &'static str {
    match state {
        PublishState::Intent => "not sent yet",
        PublishState::Sent => "sending",
        PublishState::Confirmed => "published",
        PublishState::Failed => "failed",
        PublishState::Unconfirmed => "unconfirmed (checking with Lamina)",
    }
}

fn outcome_word(outcome: ChannelOutcome) -> &'static str {
    match outcome {
        ChannelOutcome::Pending => "pending",
        ChannelOutcome::Published => "published",
        ChannelOutcome::Failed => "failed",
        ChannelOutcome::Unconfirmed => "unconfirmed",
    }
}

pub fn publishes(publishes: &[PublishView], json: bool) {
    if json {
        return print_json(publishes);
    }
    for publish in publishes {
        println!("{}  {}", publish.id, state_word(publish.state));
        for channel in &publish.channels {
            let place = channel
                .post_url
                .as_deref()
                .or(channel.error.as_deref())
                .unwrap_or_default();
            println!(
                "  {}: {}  {place}",
                channel.channel_name,
                outcome_word(channel.outcome)
            );
        }
        if let Some(problem) = &publish.problem
            && publish.state != PublishState::Confirmed
        {
            println!("  {}", problem.message);
        }
    }
}

pub fn publishing_history(history: &PublishingHistory, json: bool) {
    if json {
        return print_json(history);
    }
    if let Some(message) = &history.service_message {
        eprintln!("{message} Showing what this computer sent.");
    }
    if history.entries.is_empty() {
        println!("Nothing published yet.");
        return;
    }
    println!("{:<19}  {:<16}  {:<11}  POST", "WHEN", "CHANNEL", "STATUS");
    for publish in &history.entries {
        for channel in &publish.channels {
            println!(
                "{:<19}  {:<16}  {:<11}  {}",
                publish.created_at.format("%Y-%m-%d %H:%M:%S"),
                channel.channel_name,
                outcome_word(channel.outcome),
                channel
                    .post_url
                    .as_deref()
                    .or(channel.error.as_deref())
                    .unwrap_or_default()
            );
        }
    }
}
