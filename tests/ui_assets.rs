//! The browser UI ships inside the binary: pages and hashed assets are served
//! precompressed with cache headers, and nothing points to another host.

mod common;

use common::TestServer;
use reqwest::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, IF_NONE_MATCH,
};
use reqwest::StatusCode;

fn client() -> reqwest::Client {
    // No automatic decompression: we look at what is sent.
    reqwest::Client::builder().build().unwrap()
}

/// The `src`/`href` targets in a page.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["src=\"", "href=\""] {
        for part in html.split(attr).skip(1) {
            out.push(part.split('"').next().unwrap_or("").to_owned());
        }
    }
    out
}

#[tokio::test]
async fn the_pages_load_only_from_this_server() {
    let s = TestServer::seeded().await;
    for page in ["/", "/playground"] {
        let r = client()
            .get(format!("{}{page}", s.url))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{page}");
        assert!(r.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        assert_eq!(r.headers()[CACHE_CONTROL], "no-cache");
        let html = r.text().await.unwrap();
        let found = links(&html);
        assert!(!found.is_empty(), "{page} links nothing");
        for l in found {
            assert!(
                l.starts_with('/') || l.starts_with('#') || l.starts_with("data:"),
                "{page} links {l}"
            );
            assert!(!l.starts_with("//"), "{page} links {l}");
        }
    }
}

#[tokio::test]
async fn assets_are_precompressed_and_cached_for_good() {
    let s = TestServer::seeded().await;
    let html = client()
        .get(format!("{}/", s.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let asset = links(&html)
        .into_iter()
        .find(|l| l.starts_with("/assets/") && l.ends_with(".js"))
        .expect("a script");
    let url = format!("{}{asset}", s.url);
    let br = client()
        .get(&url)
        .header(ACCEPT_ENCODING, "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(br.headers()[CONTENT_ENCODING], "br");
    assert_eq!(
        br.headers()[CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    let etag = br.headers()[ETAG].clone();
    let br_len = br.bytes().await.unwrap().len();
    let gz = client()
        .get(&url)
        .header(ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gz.headers()[CONTENT_ENCODING], "gzip");
    let plain = client().get(&url).send().await.unwrap();
    assert!(plain.headers().get(CONTENT_ENCODING).is_none());
    assert!(plain.bytes().await.unwrap().len() > br_len);
    let again = client()
        .get(&url)
        .header(ACCEPT_ENCODING, "br")
        .header(IF_NONE_MATCH, etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn an_unknown_asset_is_404() {
    let s = TestServer::seeded().await;
    let r = client()
        .get(format!("{}/assets/nope.js", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
