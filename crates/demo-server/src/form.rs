//! Request parameters the way PHP sees them: the query string and a form body merged, the body
//! winning (`array_merge($_GET, $_POST)`), a repeated plain key keeping its last value.

use std::collections::HashMap;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Form {
    pairs: Vec<(String, String)>,
    /// Where each plain key is in `pairs`, so a request of thousands of keys (a push of 500
    /// progress events) is read in linear time, not quadratic.
    index: HashMap<String, usize>,
}

impl Form {
    pub(crate) fn from_request(query: Option<&str>, body: &[u8]) -> Form {
        let mut form = Form::default();
        let query = query.unwrap_or("").as_bytes();
        for (key, value) in form_urlencoded::parse(query).chain(form_urlencoded::parse(body)) {
            form.set(key.into_owned(), value.into_owned());
        }
        form
    }

    fn set(&mut self, key: String, value: String) {
        // `a[]=1&a[]=2` appends in PHP; every other repeated key overwrites.
        if key.ends_with("[]") {
            self.pairs.push((key, value));
        } else if let Some(&at) = self.index.get(&key) {
            self.pairs[at].1 = value;
        } else {
            self.index.insert(key.clone(), self.pairs.len());
            self.pairs.push((key, value));
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Removes every pair whose key matches, returning the last value.
    pub(crate) fn take_where(&mut self, matches: impl Fn(&str) -> bool) -> Option<String> {
        let mut taken = None;
        self.pairs.retain(|(k, v)| {
            if matches(k) {
                taken = Some(v.clone());
                false
            } else {
                true
            }
        });
        if taken.is_some() {
            self.reindex();
        }
        taken
    }

    pub(crate) fn take(&mut self, key: &str) -> Option<String> {
        self.take_where(|k| k == key)
    }

    fn reindex(&mut self) {
        self.index.clear();
        for (at, (key, _)) in self.pairs.iter().enumerate() {
            if !key.ends_with("[]") {
                self.index.insert(key.clone(), at);
            }
        }
    }

    /// The remaining pairs, re-encoded for serde_qs.
    pub(crate) fn to_query(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(self.pairs.iter())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_wins_and_brackets_survive() {
        let mut form = Form::from_request(
            Some("wsfunction=a&x=1"),
            b"wsfunction=b&options%5B0%5D%5Bname%5D=cmid&ids[]=1&ids[]=2",
        );
        assert_eq!(form.get("wsfunction"), Some("b"));
        assert_eq!(form.get("options[0][name]"), Some("cmid"));
        assert_eq!(form.take("wsfunction").as_deref(), Some("b"));
        assert_eq!(form.get("wsfunction"), None);
        assert_eq!(
            form.to_query(),
            "x=1&options%5B0%5D%5Bname%5D=cmid&ids%5B%5D=1&ids%5B%5D=2"
        );
        // After a removal, repeated keys still overwrite in place.
        form.set("x".into(), "2".into());
        form.set("options[0][name]".into(), "sectionid".into());
        assert_eq!(
            form.to_query(),
            "x=2&options%5B0%5D%5Bname%5D=sectionid&ids%5B%5D=1&ids%5B%5D=2"
        );
    }
}
