//! Issue 18's optional endpoints (content, assets, templates, brand, publishing) against both
//! services over HTTP: every endpoint parsed, each validation refused with nothing sent, each
//! endpoint missing on the minimal service found with one request, a lost publish answer never
//! re-sent and settled from the history. (The docs' literal examples, with unknown fields, are
//! parsed by the unit tests next to the models.)

use lamina_api::{
    ApiError, ApiErrorKind, ApiGeneration, AssetFilter, BatchContentRequest, BrandQuery,
    ContentRequest, HistoryFilter, LaminaClient, MediaType, OptionalEndpoint, OutputKind,
    OutputStatus, PublishRequest, PublishStatus, RunStatus, ScoreRequest, TransferRequest,
};
use lamina_sandbox::catalog::{HERO_IMAGE, PRODUCT_COPY};

use crate::common::*;

/// Issue 18's endpoints, each with the sandbox's route key.
pub const ISSUE_18: [(OptionalEndpoint, &str); 10] = [
    (OptionalEndpoint::Content, "POST /v1/content/create"),
    (OptionalEndpoint::ContentBatch, "POST /v1/content/batch"),
    (OptionalEndpoint::Score, "POST /v1/content/score"),
    (OptionalEndpoint::Assets, "GET /v1/assets"),
    (OptionalEndpoint::Templates, "GET /v1/templates"),
    (
        OptionalEndpoint::BrandContext,
        "GET /v1/intelligence/brand-context",
    ),
    (
        OptionalEndpoint::PublishingChannels,
        "GET /v1/publishing/channels",
    ),
    (OptionalEndpoint::Publish, "POST /v1/publishing/publish"),
    (
        OptionalEndpoint::PublishingHistory,
        "GET /v1/publishing/history",
    ),
    (
        OptionalEndpoint::TransferAsset,
        "POST /v1/publishing/transfer-asset",
    ),
];

const INSTAGRAM: &str = "ch-demo-instagram";
const SHOPIFY: &str = "ch-demo-shopify";

/// One valid call of `endpoint`, reduced to "worked" or its error.
pub async fn call(client: &LaminaClient, endpoint: OptionalEndpoint) -> Result<(), ApiError> {
    match endpoint {
        OptionalEndpoint::Content => client
            .create_content(&ContentRequest::new("a launch post for my linen shirt"))
            .await
            .map(drop),
        OptionalEndpoint::ContentBatch => client
            .create_content_batch(&BatchContentRequest {
                items: vec![ContentRequest::new("a linen shirt on a beach")],
                ..Default::default()
            })
            .await
            .map(drop),
        OptionalEndpoint::Score => client
            .score_content(&ScoreRequest::default())
            .await
            .map(drop),
        OptionalEndpoint::Assets => client.list_assets(&AssetFilter::default()).await.map(drop),
        OptionalEndpoint::Templates => client.list_templates().await.map(drop),
        OptionalEndpoint::BrandContext => {
            client.brand_context(&BrandQuery::default()).await.map(drop)
        }
        OptionalEndpoint::PublishingChannels => client.list_channels().await.map(drop),
        OptionalEndpoint::Publish => client
            .publish(&PublishRequest {
                account_ids: vec![SHOPIFY.into()],
                caption: Some("New linen, just in".into()),
                ..Default::default()
            })
            .await
            .map(drop),
        OptionalEndpoint::PublishingHistory => client
            .publishing_history(&HistoryFilter::default())
            .await
            .map(drop),
        OptionalEndpoint::TransferAsset => client
            .transfer_asset(&TransferRequest {
                // A file every sandbox serves, so the copy needs no network.
                source_url: format!("{}/files/samples/front.png", client.base_url()),
                ..Default::default()
            })
            .await
            .map(drop),
        other => unreachable!("{other} is not one of issue 18's endpoints"),
    }
}

for_both_services!(
    each_endpoint_answers_or_is_unsupported_after_one_request,
    every_validation_is_refused_with_nothing_sent,
);

/// Full service: each endpoint answers, is remembered as offered and asked every time.
/// Minimal service: each is `Unsupported` in words, asked once for two calls, remembered.
async fn each_endpoint_answers_or_is_unsupported_after_one_request(service: Service) {
    let sandbox = service.start(fast()).await;
    let client = client(&sandbox, ApiGeneration::V1);
    for (endpoint, key) in ISSUE_18 {
        let before = route(&sandbox.stats(), key);
        let first = call(&client, endpoint).await;
        let second = call(&client, endpoint).await;
        let asked = route(&sandbox.stats(), key) - before;
        match service {
            Service::Full => {
                first.unwrap_or_else(|e| panic!("{endpoint}: {e:?}"));
                second.unwrap_or_else(|e| panic!("{endpoint}: {e:?}"));
                assert_eq!(asked, 2, "{key}");
                assert!(client.endpoints().is_offered(endpoint), "{endpoint}");
            }
            Service::Minimal => {
                for result in [first, second] {
                    let error = result.expect_err("missing on a minimal service");
                    assert_eq!(
                        error.kind,
                        ApiErrorKind::Unsupported { endpoint },
                        "{error:?}"
                    );
                    assert!(
                        error
                            .message
                            .starts_with("This Lamina service doesn't offer"),
                        "{}",
                        error.message
                    );
                    assert!(!error.outcome_unknown, "{endpoint}");
                }
                println!("minimal {endpoint}: {asked} request(s) for two calls");
                assert_eq!(asked, 1, "{key}");
                assert!(client.endpoints().is_missing(endpoint), "{endpoint}");
            }
        }
    }
    // The template detail shares the list's memory: known missing, nothing is sent.
    if service == Service::Minimal {
        let before = sandbox.stats().requests_total;
        let error = client
            .get_template("tmpl-product-launch")
            .await
            .unwrap_err();
        assert_eq!(
            error.unsupported_endpoint(),
            Some(OptionalEndpoint::Templates)
        );
        assert_eq!(sandbox.stats().requests_total, before);
    }
}

/// Every request the docs refuse is refused here, in words, before anything is sent.
async fn every_validation_is_refused_with_nothing_sent(service: Service) {
    let sandbox = service.start(fast()).await;
    let client = client(&sandbox, ApiGeneration::V1);
    let publish = |ids: &[&str], image: Option<&str>, caption: Option<&str>| PublishRequest {
        account_ids: ids.iter().map(|s| (*s).to_owned()).collect(),
        image_url: image.map(str::to_owned),
        caption: caption.map(str::to_owned),
        ..Default::default()
    };
    let batch = |briefs: &[&str]| BatchContentRequest {
        items: briefs.iter().map(|b| ContentRequest::new(*b)).collect(),
        ..Default::default()
    };
    let eleven = ["a brief"; 11];
    let cases: Vec<(&str, Result<(), ApiError>, &str)> = vec![
        (
            "blank brief",
            client
                .create_content(&ContentRequest::new("  \n"))
                .await
                .map(drop),
            "Describe what you need first.",
        ),
        (
            "empty batch",
            client.create_content_batch(&batch(&[])).await.map(drop),
            "Describe at least one thing you need.",
        ),
        (
            "eleven briefs",
            client.create_content_batch(&batch(&eleven)).await.map(drop),
            "Lamina takes up to 10 descriptions at a time; you have 11.",
        ),
        (
            "a blank brief in a batch",
            client
                .create_content_batch(&batch(&["shirt", " "]))
                .await
                .map(drop),
            "Every line needs a description of what you need.",
        ),
        (
            "publish without a channel",
            client
                .publish(&publish(&[], None, Some("Hello")))
                .await
                .map(drop),
            "Choose at least one channel to publish to.",
        ),
        (
            "publish with nothing to post",
            client
                .publish(&publish(&[INSTAGRAM], None, Some("   ")))
                .await
                .map(drop),
            "Add an image, a video or a caption to publish.",
        ),
        (
            "publish a local file",
            client
                .publish(&publish(&[INSTAGRAM], Some("C:\\shirt.png"), None))
                .await
                .map(drop),
            "The file to publish needs a web address Lamina can reach.",
        ),
        (
            "transfer a non-address",
            client
                .transfer_asset(&TransferRequest {
                    source_url: "shirt.png".into(),
                    media_type: MediaType::Image,
                    filename: None,
                })
                .await
                .map(drop),
            "The file to keep needs a web address Lamina can reach.",
        ),
    ];
    for (what, result, message) in cases {
        let error = result.expect_err(what);
        assert!(
            matches!(error.kind, ApiErrorKind::InvalidInput { .. }),
            "{what}: {error:?}"
        );
        assert_eq!(error.message, message, "{what}");
    }
    assert_eq!(
        sandbox.stats().requests_total,
        0,
        "nothing reached the service"
    );
    assert_eq!(client.budget().stats().requests_sent, 0);
}

/// Follows a run with `GET /v1/runs/{id}` (as every client does) until it has settled.
async fn settled(client: &LaminaClient, run_id: &str) -> lamina_api::Run {
    let run = until_settled(client, run_id).await;
    assert_eq!(run.status, RunStatus::Completed, "{run:?}");
    run
}

async fn bytes(client: &LaminaClient, url: &str) -> Vec<u8> {
    let response = client.http().get(url).send().await.unwrap();
    assert!(
        response.status().is_success(),
        "{url}: {}",
        response.status()
    );
    response.bytes().await.unwrap().to_vec()
}

fn bottom_left_pixel(png: &[u8]) -> [u8; 3] {
    let img = image::load_from_memory(png).unwrap().to_rgb8();
    img.get_pixel(5, img.height() - 1).0
}

#[tokio::test]
async fn a_brief_becomes_a_branded_run_with_assets_and_scores() {
    let sandbox = start(fast()).await;
    let client = client(&sandbox, ApiGeneration::V1);

    let started = client
        .create_content(&ContentRequest {
            brief: "A launch post for my new linen shirt".into(),
            platform: Some("instagram".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(started.workflow_id.as_deref(), Some(HERO_IMAGE));
    assert_eq!(started.workflow_name.as_deref(), Some("Hero Image"));
    assert_eq!(started.status, RunStatus::Queued);
    let reason = started.selection_reason.clone().unwrap();
    assert!(reason.contains("\"launch\", \"post\""), "{reason}");
    let inputs = started.inputs.clone().unwrap();
    assert_eq!(inputs["Aspect Ratio"], "1:1");
    assert!(inputs["Prompt"].starts_with("A launch post for my new linen shirt — "));
    println!("chose: {reason}\nmapped: {inputs:?}");

    // An ordinary run: the usual GET follows it; the brand palette is in its picture.
    let run = settled(&client, &started.run_id).await;
    let image_url = run.outputs[0].value.clone().unwrap();
    assert_eq!(run.outputs[0].kind, OutputKind::Image);
    let branded = bytes(&client, &image_url).await;
    assert_eq!(bottom_left_pixel(&branded), [0xE0, 0x7A, 0x5F], "brand bar");
    let plain = client
        .start_run(HERO_IMAGE, &hero_inputs(), None)
        .await
        .unwrap();
    let plain = settled(&client, &plain.run_id).await;
    let plain = bytes(&client, plain.outputs[0].value.as_deref().unwrap()).await;
    assert_ne!(bottom_left_pixel(&plain), [0xE0, 0x7A, 0x5F]);

    // The brand's voice in a copy run (forced app, input override).
    let copy = client
        .create_content(&ContentRequest {
            brief: "A description for our new linen shirt, with pockets".into(),
            app_id: Some(PRODUCT_COPY.into()),
            inputs: Some(inputs_of(&[("Tone", "Luxury")])),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(copy.inputs.as_ref().unwrap()["Product Name"], "linen shirt");
    assert_eq!(copy.inputs.as_ref().unwrap()["Tone"], "Luxury");
    let copy = settled(&client, &copy.run_id).await;
    let text = copy.outputs[0].value.clone().unwrap();
    assert!(text.ends_with("Made slowly, by Linen & Loom."), "{text}");
    assert!(!text.contains('!'), "{text}");

    // Assets: both runs' outputs, filters and pages.
    let assets = client
        .list_assets(&AssetFilter {
            run_id: Some(started.run_id.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(assets.items.len(), 1);
    let asset = &assets.items[0];
    assert_eq!(asset.output_type, OutputKind::Image);
    assert_eq!(asset.status, OutputStatus::Completed);
    assert_eq!(asset.url(), Some(image_url.as_str()));
    let texts = client
        .list_assets(&AssetFilter {
            output_type: Some(OutputKind::Text),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(texts.items.len(), 1);
    assert_eq!(texts.items[0].text_content.as_deref(), Some(text.as_str()));
    let page = client
        .list_assets(&AssetFilter {
            limit: Some(1),
            offset: Some(1),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.pagination.unwrap().total, Some(3));

    // Scores: per dimension, deterministic, the branded picture ahead on brand alignment.
    let ask = |ids: Vec<String>| ScoreRequest {
        content_item_ids: Some(ids),
        ..Default::default()
    };
    let scores = client
        .score_content(&ask(vec![asset.id.clone()]))
        .await
        .unwrap();
    assert_eq!(scores.len(), 1);
    let score = &scores[0];
    assert_eq!(score.content_item_id, asset.id);
    let names: Vec<&str> = score.dimensions.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "brandAlignment",
            "platformFitness",
            "predictedEngagement",
            "visualQuality"
        ]
    );
    assert!(score.dimensions["brandAlignment"] >= 86.0, "{score:?}");
    assert!(score.overall_score.is_some_and(|s| s > 0.0 && s <= 100.0));
    assert!(score.feedback.is_some());
    let again = client
        .score_content(&ask(vec![asset.id.clone()]))
        .await
        .unwrap();
    assert_eq!(&again[0], score);
    let all = client
        .score_content(&ScoreRequest::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    let missing = client
        .score_content(&ask(vec!["no-such-item".into()]))
        .await
        .unwrap_err();
    assert_eq!(missing.kind, ApiErrorKind::NotFound);
    assert!(client.endpoints().is_offered(OptionalEndpoint::Score));
}

fn inputs_of(pairs: &[(&str, &str)]) -> lamina_api::Inputs {
    inputs(pairs)
}

#[tokio::test]
async fn batches_templates_and_the_brand_are_served() {
    let sandbox = start(fast()).await;
    let client = client(&sandbox, ApiGeneration::V1);

    let batch = client
        .create_content_batch(&BatchContentRequest {
            items: vec![
                ContentRequest::new("ads for the summer sale"),
                ContentRequest {
                    modality: Some("audio".into()),
                    ..ContentRequest::new("a jingle")
                },
                ContentRequest {
                    platform: Some("tiktok".into()),
                    ..ContentRequest::new("the linen shirt")
                },
            ],
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        (batch.total, batch.queued, batch.failed),
        (Some(3), Some(2), Some(1))
    );
    assert!(batch.batch_id.is_some());
    let failed = &batch.items[1];
    assert_eq!((failed.index, failed.status), (1, RunStatus::Failed));
    assert_eq!(
        failed.error.as_deref(),
        Some("\"modality\": No audio-capable app found for this workspace")
    );
    assert_eq!(
        batch.items[2].workflow_name.as_deref(),
        Some("Product Video")
    );
    for item in [&batch.items[0], &batch.items[2]] {
        settled(&client, item.run_id.as_deref().unwrap()).await;
    }

    // A webhook on a content run, like on any run.
    let hook = "http://127.0.0.1:9/lamina/webhook";
    let hooked = client
        .create_content_with_webhook(&ContentRequest::new("a hero shot"), Some(hook))
        .await
        .unwrap();
    let run = client.get_run(&hooked.run_id).await.unwrap();
    assert_eq!(run.webhook_url.as_deref(), Some(hook));

    let templates = client.list_templates().await.unwrap();
    assert!(templates.len() >= 3, "{templates:?}");
    assert!(templates.iter().all(|t| t.is_built_in == Some(true)
        && !t.suggested_platforms.is_empty()
        && !t.multi_asset_composition.is_empty()));
    let launch = client.get_template("tmpl-product-launch").await.unwrap();
    assert_eq!(launch.name, "Product Launch Hero");
    let guidance = launch.guidance_data.unwrap();
    assert!(!guidance.prompt_directives.is_empty());
    assert_eq!(launch.multi_asset_composition[0].role, "hero");
    // An unknown template is "not found" in words, and templates stay offered.
    let error = client.get_template("tmpl-nope").await.unwrap_err();
    assert_eq!(error.kind, ApiErrorKind::NotFound);
    assert!(error.message.contains("template"), "{}", error.message);
    assert!(client.endpoints().is_offered(OptionalEndpoint::Templates));
    // A template steers the choice and the prompt.
    let story = client
        .create_content(&ContentRequest {
            template_id: Some("tmpl-lifestyle-story".into()),
            ..ContentRequest::new("my new linen shirt")
        })
        .await
        .unwrap();
    assert_eq!(story.workflow_name.as_deref(), Some("Lifestyle Scene"));
    assert!(
        story.inputs.unwrap()["Prompt"].contains("a lived-in everyday setting"),
        "template directive"
    );
    let error = client
        .create_content(&ContentRequest {
            template_id: Some("tmpl-nope".into()),
            ..ContentRequest::new("x")
        })
        .await
        .unwrap_err();
    assert_eq!(error.kind, ApiErrorKind::NotFound);
    assert!(!error.outcome_unknown);
    assert!(client.endpoints().is_offered(OptionalEndpoint::Content));

    let brand = client.brand_context(&BrandQuery::default()).await.unwrap();
    assert_eq!(brand.name.as_deref(), Some("Linen & Loom"));
    let colours: Vec<&str> = brand
        .brand_dna
        .visual_identity
        .iter()
        .map(|i| i.value.as_str())
        .collect();
    assert!(colours.contains(&"#1F4E3D"), "{colours:?}");
    assert!(!brand.brand_dna.guardrails.is_empty());
    assert!(!brand.brand_dna.voice_attributes.is_empty());
    assert_eq!(
        brand.brand_dna.tone_spectrum.unwrap().primary.as_deref(),
        Some("warm")
    );
    let same = client
        .brand_context(&BrandQuery {
            brand_profile_id: brand.brand_profile_id.clone(),
            campaign_id: None,
        })
        .await
        .unwrap();
    assert_eq!(same.name, brand.name);
    let unknown = client
        .brand_context(&BrandQuery {
            brand_profile_id: Some("00000000-0000-4000-8000-000000000000".into()),
            campaign_id: None,
        })
        .await
        .unwrap_err();
    assert_eq!(unknown.kind, ApiErrorKind::NotFound, "{unknown:?}");
    assert_eq!(unknown.message, "This brand profile could not be found.");
    assert!(
        client
            .endpoints()
            .is_offered(OptionalEndpoint::BrandContext)
    );
}

async fn a_finished_picture(client: &LaminaClient) -> String {
    let run = client
        .start_run(HERO_IMAGE, &hero_inputs(), None)
        .await
        .unwrap();
    let run = settled(client, &run.run_id).await;
    run.outputs[0].value.clone().unwrap()
}

#[tokio::test]
async fn publishing_posts_to_demo_channels_with_pages_history_and_transfer() {
    let sandbox = start(fast()).await;
    let client = client(&sandbox, ApiGeneration::V1);
    let channels = client.list_channels().await.unwrap();
    let names: Vec<&str> = channels.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Demo Instagram", "Demo Shopify"]);
    assert_eq!(channels[0].platform.as_deref(), Some("instagram"));

    // The generated picture is copied to the service's storage first.
    let picture = a_finished_picture(&client).await;
    let kept = client
        .transfer_asset(&TransferRequest {
            source_url: picture.clone(),
            media_type: MediaType::Image,
            filename: Some("linen-shirt.png".into()),
        })
        .await
        .unwrap();
    assert!(kept.url.contains("/_sandbox/files/"), "{}", kept.url);
    assert!(kept.url.ends_with(".png"));
    assert_eq!(
        bytes(&client, &kept.url).await,
        bytes(&client, &picture).await
    );

    let outcome = client
        .publish(&PublishRequest {
            account_ids: vec![INSTAGRAM.into(), "ch-unknown".into()],
            image_url: Some(kept.url.clone()),
            caption: Some("New linen, <just> in".into()),
            client_reference: Some("journal-1".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(outcome.results.len(), 2);
    let posted = &outcome.results[0];
    assert_eq!(
        (posted.account_id.as_str(), posted.status),
        (INSTAGRAM, PublishStatus::Published)
    );
    let post_url = posted.post_url.clone().unwrap();
    let refused = &outcome.results[1];
    assert_eq!(refused.status, PublishStatus::Failed);
    assert!(refused.error.is_some() && refused.post_url.is_none());

    // The post page shows the picture and the caption.
    let page = String::from_utf8(bytes(&client, &post_url).await).unwrap();
    assert!(page.contains("Demo Instagram"), "{page}");
    assert!(
        page.contains(&format!("<img src=\"{}\"", kept.url)),
        "{page}"
    );
    assert!(page.contains("New linen, &lt;just&gt; in"), "{page}");

    // Instagram refuses a caption alone; Shopify takes it.
    let text_only = client
        .publish(&PublishRequest {
            account_ids: vec![INSTAGRAM.into(), SHOPIFY.into()],
            caption: Some("Back in stock".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let statuses: Vec<_> = text_only.results.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [PublishStatus::Failed, PublishStatus::Published]);

    let history = client
        .publishing_history(&HistoryFilter::default())
        .await
        .unwrap();
    assert_eq!(history.items.len(), 4);
    let first = history
        .items
        .iter()
        .find(|r| r.post_url.as_deref() == Some(post_url.as_str()));
    let first = first.expect("the Instagram post is in the history");
    assert_eq!(first.status, PublishStatus::Published);
    assert_eq!(first.platform.as_deref(), Some("instagram"));
    assert_eq!(first.content_url.as_deref(), Some(kept.url.as_str()));
    assert_eq!(first.client_reference.as_deref(), Some("journal-1"));
    assert!(first.published_at.is_some() && first.created_at.is_some());
    let failed = client
        .publishing_history(&HistoryFilter {
            status: Some(PublishStatus::Failed),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(failed.items.len(), 2);
    assert!(failed.items.iter().all(|r| r.error.is_some()));
    let shopify = client
        .publishing_history(&HistoryFilter {
            platform: Some("shopify".into()),
            limit: Some(1),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(shopify.items.len(), 1);
}

/// The answer of a publish is lost after the post was made: the client reports "unknown",
/// never sends it again, and the history settles it. A repeat with the same reference (a
/// person pressing Publish again) posts nothing new.
#[tokio::test]
async fn a_lost_publish_answer_is_never_re_sent_and_the_history_settles_it() {
    let sandbox = start(fast()).await;
    let client = client(&sandbox, ApiGeneration::V1);
    let picture = a_finished_picture(&client).await;
    faults(&sandbox, "lost@POST:/v1/publishing/publish*1");
    let request = PublishRequest {
        account_ids: vec![INSTAGRAM.into()],
        image_url: Some(picture.clone()),
        caption: Some("Launch day".into()),
        client_reference: Some("journal-42".into()),
        ..Default::default()
    };
    let error = client.publish(&request).await.unwrap_err();
    assert!(error.outcome_unknown, "{error:?}");
    assert!(
        matches!(error.kind, ApiErrorKind::Network | ApiErrorKind::Timeout),
        "{error:?}"
    );
    let key = "POST /v1/publishing/publish";
    assert_eq!(
        route(&sandbox.stats(), key),
        1,
        "exactly one publish request"
    );
    assert!(!client.endpoints().is_missing(OptionalEndpoint::Publish));

    let history = client
        .publishing_history(&HistoryFilter::default())
        .await
        .unwrap();
    let settled: Vec<_> = history
        .items
        .iter()
        .filter(|r| r.client_reference.as_deref() == Some("journal-42"))
        .collect();
    assert_eq!(settled.len(), 1);
    assert_eq!(settled[0].status, PublishStatus::Published);
    assert!(settled[0].post_url.is_some());

    let repeat = client.publish(&request).await.unwrap();
    assert_eq!(repeat.results[0].post_url, settled[0].post_url);
    let after = client
        .publishing_history(&HistoryFilter::default())
        .await
        .unwrap();
    assert_eq!(
        after.items.len(),
        1,
        "the same reference posted nothing new"
    );
    assert_eq!(route(&sandbox.stats(), key), 2);
}

/// A lost content/create answer is "unknown" (a run may have started), never sent again.
#[tokio::test]
async fn a_lost_create_answer_is_unknown_not_repeated() {
    let sandbox = start(fast()).await;
    let client = client(&sandbox, ApiGeneration::V1);
    faults(&sandbox, "lost@POST:/v1/content/create*1");
    let error = client
        .create_content(&ContentRequest::new("a launch post"))
        .await
        .unwrap_err();
    assert!(error.outcome_unknown, "{error:?}");
    assert_eq!(route(&sandbox.stats(), "POST /v1/content/create"), 1);
    assert_eq!(sandbox.stats().runs_created, 1, "the run did start");
}
