//! A rendered page's HTML turned into text close to what "select all, copy" gives: the text of
//! each block element on its own line, scripts, styles and SVG left out, entities decoded.

/// Elements whose start or end begins a new line.
const BLOCKS: [&str; 16] = [
    "div", "li", "ul", "ol", "tr", "td", "th", "br", "dt", "dd", "section", "article", "pre",
    "summary", "details", "table",
];

/// Elements set off by a blank line.
const PARAGRAPHS: [&str; 7] = ["p", "h1", "h2", "h3", "h4", "h5", "h6"];

/// Elements whose contents are not text.
const HIDDEN: [&str; 5] = ["script", "style", "svg", "template", "noscript"];

/// Whether `text` is an HTML document (rather than copied text).
pub fn is_html(text: &str) -> bool {
    let start = text
        .trim_start()
        .get(..64)
        .unwrap_or(text.trim_start())
        .to_lowercase();
    start.starts_with("<!doctype html") || start.starts_with("<html")
}

/// The text of the HTML document `html`, one block a line: of its `<main>` element when it has
/// one (a site's navigation and footer are not the page).
pub fn to_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = main_of(html);
    let mut hidden: Option<String> = None;
    let mut in_pre = false;
    while let Some(open) = rest.find('<') {
        let text = &rest[..open];
        if hidden.is_none() {
            push_text(&mut out, text, in_pre);
        }
        let Some(close) = rest[open..].find('>') else {
            rest = "";
            break;
        };
        let tag = &rest[open + 1..open + close];
        rest = &rest[open + close + 1..];
        if tag.starts_with("!--") {
            if !tag.ends_with("--")
                && let Some(end) = rest.find("-->")
            {
                rest = &rest[end + 3..];
            }
            continue;
        }
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_lowercase();
        if let Some(open_hidden) = &hidden {
            if closing && *open_hidden == name {
                hidden = None;
            }
            continue;
        }
        if HIDDEN.contains(&name.as_str()) && !closing && !tag.ends_with('/') {
            hidden = Some(name);
            continue;
        }
        if name == "pre" {
            in_pre = !closing;
        }
        // As a browser copies: a paragraph or heading stands between blank lines, any other
        // block on a line of its own.
        if PARAGRAPHS.contains(&name.as_str()) {
            while !out.ends_with("\n\n") {
                out.push('\n');
            }
        } else if BLOCKS.contains(&name.as_str()) && !out.ends_with('\n') {
            out.push('\n');
        }
    }
    if hidden.is_none() {
        push_text(&mut out, rest, in_pre);
    }
    let lines: Vec<&str> = out.lines().map(str::trim).collect();
    let mut text = String::new();
    let mut blank = false;
    for line in lines {
        if line.is_empty() {
            if !blank {
                text.push('\n');
            }
            blank = true;
        } else {
            text.push_str(line);
            text.push('\n');
            blank = false;
        }
    }
    text
}

/// Appends `text` decoded; outside `<pre>`, runs of white space become one space.
fn push_text(out: &mut String, text: &str, in_pre: bool) {
    let decoded = decode(text);
    if in_pre {
        out.push_str(&decoded);
        return;
    }
    let mut last_space = out.ends_with([' ', '\n']);
    for c in decoded.chars() {
        if c.is_whitespace() && c != '\u{a0}' {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
}

/// `text` with its character references decoded (unknown ones kept as written).
fn decode(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';').filter(|s| *s <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..semi];
        let decoded = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            _ => name
                .strip_prefix("#x")
                .or_else(|| name.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `<main>` element of `html` (from its start tag to its end tag), or all of `html`.
fn main_of(html: &str) -> &str {
    let lower = html.to_ascii_lowercase();
    let Some(start) = lower.find("<main") else {
        return html;
    };
    let end = lower[start..]
        .find("</main>")
        .map_or(html.len(), |end| start + end + "</main>".len());
    &html[start..end]
}
