//! A small typed HTML builder. Tag and attribute names are `&'static str` written in this crate;
//! every other string (text, attribute values) goes through [`super::escape`]. The only way to
//! add unescaped markup is [`Html::raw`], which takes `&'static str`: the embedded style sheet
//! and script, never evidence.

use super::escape;

/// An HTML fragment being built.
#[derive(Default)]
pub struct Html {
    buf: String,
}

/// Attributes of an element: names written here, values escaped when rendered.
pub type Attrs<'a> = &'a [(&'static str, &'a str)];

impl Html {
    /// An empty fragment.
    pub fn new() -> Self {
        Html::default()
    }

    /// Escaped text.
    pub fn text(&mut self, s: &str) -> &mut Self {
        escape::text_into(&mut self.buf, s);
        self
    }

    /// Trusted markup compiled into the binary.
    pub fn raw(&mut self, s: &'static str) -> &mut Self {
        self.buf.push_str(s);
        self
    }

    /// A fragment built separately (already escaped by its own builder).
    pub fn append(&mut self, other: Html) -> &mut Self {
        self.buf.push_str(&other.buf);
        self
    }

    fn open(&mut self, tag: &'static str, attrs: Attrs<'_>) {
        debug_assert!(tag.bytes().all(|b| b.is_ascii_alphanumeric()));
        self.buf.push('<');
        self.buf.push_str(tag);
        for (name, value) in attrs {
            debug_assert!(name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
            self.buf.push(' ');
            self.buf.push_str(name);
            self.buf.push_str("=\"");
            escape::text_into(&mut self.buf, value);
            self.buf.push('"');
        }
        self.buf.push('>');
    }

    /// An element whose content `body` writes.
    pub fn el(
        &mut self,
        tag: &'static str,
        attrs: Attrs<'_>,
        body: impl FnOnce(&mut Html),
    ) -> &mut Self {
        self.open(tag, attrs);
        body(self);
        self.buf.push_str("</");
        self.buf.push_str(tag);
        self.buf.push('>');
        self
    }

    /// An element holding only escaped text.
    pub fn text_el(&mut self, tag: &'static str, attrs: Attrs<'_>, s: &str) -> &mut Self {
        self.el(tag, attrs, |h| {
            h.text(s);
        })
    }

    /// A void element (`<input>`, `<meta>`, `<br>`).
    pub fn void(&mut self, tag: &'static str, attrs: Attrs<'_>) -> &mut Self {
        self.open(tag, attrs);
        self
    }

    /// The markup.
    pub fn into_string(self) -> String {
        self.buf
    }

    /// The markup so far.
    pub fn as_str(&self) -> &str {
        &self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped_names_are_not() {
        let mut h = Html::new();
        h.el("td", &[("title", "\"><img src=x onerror=alert(1)>")], |h| {
            h.text("<b>bold</b>");
        });
        assert_eq!(
            h.as_str(),
            "<td title=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\">&lt;b&gt;bold&lt;/b&gt;</td>"
        );
    }
}
