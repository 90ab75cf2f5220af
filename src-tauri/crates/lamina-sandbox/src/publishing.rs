//! The demo workspace's publishing: two channels ("Demo Instagram", "Demo Shopify"), the posts
//! published to them (kept in memory and served as a page at `/_sandbox/posts/{id}`), and the
//! publish history. A publish's `Idempotency-Key` is remembered: the same key never posts twice.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use lamina_api::format_time;
use serde_json::{Value, json};

pub(crate) struct ChannelDef {
    pub id: &'static str,
    pub name: &'static str,
    pub platform: &'static str,
    /// Whether a post must carry an image or a video.
    pub needs_media: bool,
}

pub(crate) const CHANNELS: [ChannelDef; 2] = [
    ChannelDef {
        id: "ch-demo-instagram",
        name: "Demo Instagram",
        platform: "instagram",
        needs_media: true,
    },
    ChannelDef {
        id: "ch-demo-shopify",
        name: "Demo Shopify",
        platform: "shopify",
        needs_media: false,
    },
];

pub(crate) fn channel(id: &str) -> Option<&'static ChannelDef> {
    CHANNELS.iter().find(|c| c.id == id)
}

pub(crate) fn channel_json(c: &ChannelDef) -> Value {
    json!({"id": c.id, "name": c.name, "platform": c.platform, "status": "connected"})
}

/// One publish to one channel, published or failed.
#[derive(Debug, Clone)]
pub(crate) struct Post {
    pub id: String,
    pub account_id: String,
    pub platform: String,
    pub content_type: &'static str,
    pub content_url: Option<String>,
    pub caption: Option<String>,
    pub post_url: Option<String>,
    pub published: bool,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub client_reference: Option<String>,
}

impl Post {
    pub(crate) fn status(&self) -> &'static str {
        if self.published {
            "published"
        } else {
            "failed"
        }
    }

    /// A history entry (the documented fields, plus `accountId` and `clientReference`).
    pub(crate) fn history_json(&self) -> Value {
        let time = format_time(self.created_at);
        json!({
            "id": self.id,
            "platform": self.platform,
            "contentType": self.content_type,
            "contentUrl": self.content_url,
            "caption": self.caption,
            "postUrl": self.post_url,
            "status": self.status(),
            "error": self.error,
            "publishedAt": self.published.then_some(&time),
            "createdAt": time,
            "accountId": self.account_id,
            "clientReference": self.client_reference,
        })
    }

    /// This channel's entry of a publish answer.
    pub(crate) fn result_json(&self) -> Value {
        let mut value = json!({
            "accountId": self.account_id,
            "status": self.status(),
            "postUrl": self.post_url,
            "postId": self.id,
        });
        if let Some(error) = &self.error {
            value["error"] = json!(error);
        }
        value
    }
}

#[derive(Debug, Default)]
struct Inner {
    /// Oldest first.
    posts: Vec<Post>,
    /// Idempotency key -> ids of the posts it made.
    by_key: HashMap<String, Vec<String>>,
}

#[derive(Debug, Default)]
pub(crate) struct PostStore(Mutex<Inner>);

impl PostStore {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The posts an earlier publish with this key made, if any.
    pub(crate) fn for_key(&self, key: &str) -> Option<Vec<Post>> {
        let inner = self.lock();
        let ids = inner.by_key.get(key)?;
        Some(
            inner
                .posts
                .iter()
                .filter(|p| ids.contains(&p.id))
                .cloned()
                .collect(),
        )
    }

    /// Stores one publish's posts (atomically with its key, so a repeat sees all or none).
    pub(crate) fn add(&self, posts: Vec<Post>, key: Option<String>) {
        let mut inner = self.lock();
        if let Some(key) = key {
            inner
                .by_key
                .insert(key, posts.iter().map(|p| p.id.clone()).collect());
        }
        inner.posts.extend(posts);
    }

    pub(crate) fn get(&self, id: &str) -> Option<Post> {
        self.lock().posts.iter().find(|p| p.id == id).cloned()
    }

    pub(crate) fn newest_first(&self) -> Vec<Post> {
        self.lock().posts.iter().rev().cloned().collect()
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The post as its channel would show it.
pub(crate) fn post_page(post: &Post) -> String {
    let channel = channel(&post.account_id).map_or(post.account_id.as_str(), |c| c.name);
    let media = match (&post.content_url, post.content_type) {
        (Some(url), "video") if url.ends_with(".mp4") || url.ends_with(".webm") => {
            format!(
                "<video src=\"{}\" controls loop muted></video>",
                escape(url)
            )
        }
        (Some(url), _) => format!(
            "<img src=\"{}\" alt=\"The published picture\">",
            escape(url)
        ),
        (None, _) => String::new(),
    };
    let caption = post
        .caption
        .as_deref()
        .map(|c| {
            format!(
                "<p class=\"caption\">{}</p>",
                escape(c).replace('\n', "<br>")
            )
        })
        .unwrap_or_default();
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{channel} · post</title>\n<style>body{{font-family:system-ui,sans-serif;\
         max-width:560px;margin:2rem auto;padding:0 1rem;color:#222}}img,video{{width:100%;\
         border-radius:8px}}.meta{{color:#666;font-size:.9rem}}.caption{{font-size:1.05rem;\
         line-height:1.5}}</style>\n</head>\n<body>\n<header><strong>{channel}</strong> \
         <span class=\"meta\">(sandbox demo channel)</span></header>\n<article data-post-id=\"{id}\">\n\
         {media}\n{caption}\n<p class=\"meta\">Published {time}</p>\n</article>\n</body>\n</html>\n",
        channel = escape(channel),
        id = escape(&post.id),
        time = format_time(post.created_at),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(id: &str) -> Post {
        Post {
            id: id.into(),
            account_id: "ch-demo-instagram".into(),
            platform: "instagram".into(),
            content_type: "image",
            content_url: Some("http://h/files/r/0.png".into()),
            caption: Some("New <linen>".into()),
            post_url: Some(format!("http://h/_sandbox/posts/{id}")),
            published: true,
            error: None,
            created_at: Utc::now(),
            client_reference: Some("k1".into()),
        }
    }

    #[test]
    fn a_key_finds_its_posts_and_pages_escape_the_caption() {
        let store = PostStore::default();
        store.add(vec![post("p1"), post("p2")], Some("k1".into()));
        store.add(vec![post("p3")], None);
        assert_eq!(store.for_key("k1").unwrap().len(), 2);
        assert!(store.for_key("k2").is_none());
        assert_eq!(store.newest_first()[0].id, "p3");
        let page = post_page(&store.get("p1").unwrap());
        assert!(page.contains("New &lt;linen&gt;") && page.contains("Demo Instagram"));
        assert!(page.contains("<img src=\"http://h/files/r/0.png\""));
    }
}
