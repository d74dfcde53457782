//! The browser UI: the committed production bundle `playground/dist/`, embedded
//! in the binary (rust-embed), so nothing is fetched from elsewhere at run time.
//! Each file is served precompressed (`.br` or `.gz` sibling) when the client
//! accepts it; hashed files under `assets/` are cached for a year, pages revalidate.

use axum::body::Body;
use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "playground/dist/"]
struct Dist;

/// Whether `Accept-Encoding` allows `coding` (a `q=0` refuses it).
fn accepts(headers: &HeaderMap, coding: &str) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let name = parts.next().unwrap_or("");
            let refused =
                parts.any(|p| p.replace(' ', "") == "q=0" || p.replace(' ', "") == "q=0.0");
            (name.eq_ignore_ascii_case(coding) || name == "*") && !refused
        })
}

/// Serves `path` from the bundle, precompressed when possible.
pub fn serve(path: &str, headers: &HeaderMap) -> Response {
    let mut chosen = None;
    for (coding, ext) in [("br", "br"), ("gzip", "gz")] {
        if accepts(headers, coding) {
            if let Some(f) = Dist::get(&format!("{path}.{ext}")) {
                chosen = Some((f, Some(coding)));
                break;
            }
        }
    }
    let Some((file, coding)) = chosen.or_else(|| Dist::get(path).map(|f| (f, None))) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let hash: String = file
        .metadata
        .sha256_hash()
        .iter()
        .take(12)
        .map(|b| format!("{b:02x}"))
        .collect();
    let etag = format!(
        "\"{hash}{}\"",
        coding.map(|c| format!("-{c}")).unwrap_or_default()
    );
    let cache = if path.starts_with("assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let mut res = if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag))
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        Response::new(Body::from(file.data.into_owned()))
    };
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(mime.as_ref()).expect("mime is ascii"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    h.insert(header::ETAG, HeaderValue::from_str(&etag).expect("hex"));
    if let Some(c) = coding {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(c));
    }
    res
}

pub fn router() -> Router {
    Router::new()
        .route("/", get(|h: HeaderMap| async move { serve("index.html", &h) }))
        .route("/playground", get(|h: HeaderMap| async move { serve("playground.html", &h) }))
        .route(
            "/assets/{*path}",
            get(|Path(p): Path<String>, h: HeaderMap| async move { serve(&format!("assets/{p}"), &h) }),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn accept_encoding_is_parsed_with_q_values() {
        assert!(accepts(&with("gzip, deflate, br"), "br"));
        assert!(accepts(&with("gzip;q=1.0, br;q=0"), "gzip"));
        assert!(!accepts(&with("gzip;q=1.0, br;q=0"), "br"));
        assert!(!accepts(&HeaderMap::new(), "gzip"));
    }
}
