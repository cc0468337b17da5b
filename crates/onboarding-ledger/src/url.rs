//! Which database a ledger URL names, and how to show it without its password.

use std::path::PathBuf;

use crate::error::LedgerError;

/// A parsed ledger location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A SQLite file, with the URL's query (e.g. `mode=ro`) when one was given.
    Sqlite {
        /// The file.
        path: PathBuf,
        /// The query after `?`, if any.
        query: Option<String>,
    },
    /// A PostgreSQL URL.
    Postgres(String),
}

impl Location {
    /// Reads a `--ledger` value: `postgres://…` / `postgresql://…`, `sqlite://PATH` /
    /// `sqlite:PATH`, or a plain file path.
    pub fn parse(url: &str) -> Result<Self, LedgerError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Location::Postgres(url.to_owned()));
        }
        let rest = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if rest.is_empty() || rest.contains("://") || rest.starts_with(":memory:") {
            return Err(LedgerError::InvalidUrl(shown(url)));
        }
        let (path, query) = match rest.split_once('?') {
            Some((path, query)) => (path, Some(query.to_owned())),
            None => (rest, None),
        };
        Ok(Location::Sqlite {
            path: PathBuf::from(path),
            query,
        })
    }

    /// The URL sqlx connects to.
    pub(crate) fn connect_url(&self) -> String {
        match self {
            Location::Postgres(url) => url.clone(),
            Location::Sqlite { path, query } => {
                let query = query.as_deref().unwrap_or("mode=rw");
                format!("sqlite://{}?{query}", path.display())
            }
        }
    }

    /// The location as shown in messages: a PostgreSQL URL without user or password.
    pub fn shown(&self) -> String {
        match self {
            Location::Postgres(url) => shown(url),
            Location::Sqlite { path, .. } => path.display().to_string(),
        }
    }
}

/// A URL with any `user:password@` removed.
fn shown(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://…@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(
            Location::parse("/tmp/l.db").unwrap(),
            Location::Sqlite {
                path: "/tmp/l.db".into(),
                query: None
            }
        );
        assert_eq!(
            Location::parse("sqlite:///tmp/l.db?mode=ro").unwrap(),
            Location::Sqlite {
                path: "/tmp/l.db".into(),
                query: Some("mode=ro".into())
            }
        );
        let pg = Location::parse("postgres://me:secret@db:5432/l").unwrap();
        assert_eq!(pg.shown(), "postgres://…@db:5432/l");
        assert!(Location::parse("mysql://x").is_err());
    }
}
