//! Transport rules: which base URLs are accepted, and how a transport failure is described.

/// `base_url` if it is safe to send credentials and personal data to, without a trailing `/`.
///
/// Accepted: `https://` anywhere; `http://` only on a loopback host (`localhost`, `127.0.0.0/8`,
/// `[::1]`) unless `allow_insecure_http` is set. Anything else is refused with the reason.
pub(crate) fn checked_base_url(
    base_url: &str,
    allow_insecure_http: bool,
) -> Result<String, String> {
    let url = reqwest::Url::parse(base_url).map_err(|e| format!("base URL is not a URL: {e}"))?;
    let Some(host) = url.host_str() else {
        return Err("base URL has no host".into());
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = bare.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match url.scheme() {
        "https" => {}
        "http" if loopback || allow_insecure_http => {}
        "http" => {
            return Err(
                "plain http:// is refused for a non-loopback host; use https:// or opt in with allow_insecure_http"
                    .into(),
            );
        }
        other => return Err(format!("unsupported URL scheme `{other}`")),
    }
    if url.query().is_some() || !url.username().is_empty() || url.password().is_some() {
        return Err("base URL must not carry a query string or user info".into());
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// A short description of a transport failure that names its kind, not the URL or any body.
pub(crate) fn describe(error: &reqwest::Error) -> String {
    let kind = if error.is_connect() {
        "connection failed"
    } else if error.is_timeout() {
        "timed out"
    } else if error.is_body() || error.is_decode() {
        "connection lost while reading the response"
    } else if error.is_request() {
        "request failed"
    } else {
        "transport error"
    };
    kind.to_owned()
}

#[cfg(test)]
mod tests {
    use super::checked_base_url;

    #[test]
    fn https_is_accepted_and_trailing_slash_dropped() {
        assert_eq!(
            checked_base_url("https://api.btcdirect.eu/", false).as_deref(),
            Ok("https://api.btcdirect.eu")
        );
    }

    #[test]
    fn plain_http_only_on_loopback_unless_opted_in() {
        assert!(checked_base_url("http://127.0.0.1:8080", false).is_ok());
        assert!(checked_base_url("http://localhost:8080", false).is_ok());
        assert!(checked_base_url("http://[::1]:8080", false).is_ok());
        let refused = checked_base_url("http://api.example.com", false).unwrap_err();
        assert!(refused.contains("plain http:// is refused"), "{refused}");
        assert!(checked_base_url("http://api.example.com", true).is_ok());
    }

    #[test]
    fn other_schemes_and_user_info_are_refused() {
        assert!(checked_base_url("ftp://api.example.com", false).is_err());
        assert!(checked_base_url("https://user:pw@api.example.com", false).is_err());
        assert!(checked_base_url("not a url", false).is_err());
    }
}
