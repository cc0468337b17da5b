//! Placeholders and statement sizes for the multi-row statements (load, outcomes).
//!
//! SQLite finds the value of a numbered parameter (`$n`, `?n`) by a linear search of the
//! statement's parameter names, so binding a statement of `n` of them costs `n²`; plain `?`
//! parameters are bound in order, in linear time. PostgreSQL only knows `$n`. A statement is
//! therefore written with [`Marks`], which hands out the placeholders in the order they appear
//! in its text.
//!
//! A statement's text is prepared once per connection and kept in its cache: rows are sent in
//! [`pieces`] of a few fixed sizes (powers of two), so that the same few statements are
//! reused whatever the number of rows.

use crate::backend::Backend;

/// Hands out the placeholders of one statement, in the order of its text: `?` on SQLite,
/// `$1, $2, …` on PostgreSQL. Values must be bound in that same order.
pub(crate) struct Marks {
    backend: Backend,
    next: usize,
}

impl Marks {
    /// The placeholders of a new statement.
    pub(crate) fn new(backend: Backend) -> Self {
        Self { backend, next: 1 }
    }

    /// The next placeholder.
    pub(crate) fn one(&mut self) -> String {
        let mut out = String::new();
        self.push(&mut out);
        out
    }

    /// Appends the next placeholder to `out`.
    fn push(&mut self, out: &mut String) {
        match self.backend {
            Backend::Sqlite => out.push('?'),
            Backend::Postgres => {
                out.push('$');
                out.push_str(&self.next.to_string());
            }
        }
        self.next += 1;
    }

    /// Appends the next `count` placeholders to `out`, comma-separated.
    fn push_list(&mut self, out: &mut String, count: usize) {
        for n in 0..count {
            if n > 0 {
                out.push_str(", ");
            }
            self.push(out);
        }
    }

    /// The next `count` placeholders, comma-separated.
    pub(crate) fn list(&mut self, count: usize) -> String {
        let mut out = String::with_capacity(count * 4);
        self.push_list(&mut out, count);
        out
    }

    /// `count` parenthesised rows of `columns` placeholders each, comma-separated (a `VALUES`
    /// list).
    pub(crate) fn rows(&mut self, count: usize, columns: usize) -> String {
        let mut out = String::with_capacity(count * (columns * 4 + 4));
        for n in 0..count {
            if n > 0 {
                out.push_str(", ");
            }
            out.push('(');
            self.push_list(&mut out, columns);
            out.push(')');
        }
        out
    }
}

/// The most rows one multi-row statement carries.
pub(crate) const MAX_PIECE: usize = 256;

/// Splits `items` into pieces of [`MAX_PIECE`] rows, then of decreasing powers of two, so
/// that every piece has one of a few sizes (and each size one prepared statement).
pub(crate) fn pieces<T>(items: &[T]) -> impl Iterator<Item = &[T]> {
    let mut rest = items;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let size = if rest.len() >= MAX_PIECE {
            MAX_PIECE
        } else {
            1 << rest.len().ilog2()
        };
        let (piece, tail) = rest.split_at(size);
        rest = tail;
        Some(piece)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_the_backend() {
        let mut sqlite = Marks::new(Backend::Sqlite);
        assert_eq!(sqlite.one(), "?");
        assert_eq!(sqlite.rows(2, 2), "(?, ?), (?, ?)");
        let mut postgres = Marks::new(Backend::Postgres);
        assert_eq!(postgres.one(), "$1");
        assert_eq!(postgres.rows(2, 2), "($2, $3), ($4, $5)");
        assert_eq!(postgres.list(2), "$6, $7");
    }

    #[test]
    fn pieces_have_few_sizes_and_cover_every_item_once() {
        for n in [0, 1, 2, 3, 255, 256, 257, 600, 1000] {
            let items: Vec<usize> = (0..n).collect();
            let split: Vec<&[usize]> = pieces(&items).collect();
            assert_eq!(split.concat(), items, "{n}");
            for piece in &split {
                assert!(piece.len().is_power_of_two() && piece.len() <= MAX_PIECE);
            }
        }
        let items = [0; 600];
        let sizes: Vec<usize> = pieces(&items).map(<[_]>::len).collect();
        assert_eq!(sizes, [256, 256, 64, 16, 8]);
    }
}
