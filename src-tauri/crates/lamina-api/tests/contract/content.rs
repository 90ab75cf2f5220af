//! Issue 18's optional endpoints (content, assets, templates, brand, publishing) against both
//! services over HTTP.

use lamina_api::{
    ApiError, AssetFilter, BatchContentRequest, BrandQuery, ContentRequest, HistoryFilter,
    LaminaClient, OptionalEndpoint, PublishRequest, ScoreRequest, TransferRequest,
};

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
                account_ids: vec!["ch-demo-instagram".into()],
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
                source_url: "https://example.com/x.png".into(),
                ..Default::default()
            })
            .await
            .map(drop),
        other => unreachable!("{other} is not one of issue 18's endpoints"),
    }
}
