//! The organisation's logo [logotipo], printed at the head of its quotes.
use crate::ValidationErrors;

/// Large enough for any logo at print size; PDFs stay light.
pub const LOGO_MAX_BYTES: usize = 1024 * 1024;

/// A logo as uploaded: a PNG or a JPEG, judged by its bytes, not by the
/// name or the type the browser sent.
#[derive(Clone, PartialEq, Eq)]
pub struct Logo {
    pub jpeg: bool,
    pub content: Vec<u8>,
}

impl std::fmt::Debug for Logo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Logo({}, {} bytes)", self.content_type(), self.content.len())
    }
}

impl Logo {
    pub fn check(content: Vec<u8>) -> Result<Logo, ValidationErrors> {
        if content.is_empty() {
            return Err(ValidationErrors::single("logo", "error-required"));
        }
        if content.len() > LOGO_MAX_BYTES {
            return Err(ValidationErrors::single("logo", "error-logo-too-large"));
        }
        let jpeg = if content.starts_with(b"\x89PNG\r\n\x1a\n") {
            false
        } else if content.starts_with(&[0xFF, 0xD8, 0xFF]) {
            true
        } else {
            return Err(ValidationErrors::single("logo", "error-logo-format"));
        };
        Ok(Logo { jpeg, content })
    }

    pub fn content_type(&self) -> &'static str {
        if self.jpeg { "image/jpeg" } else { "image/png" }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_logo_is_a_png_or_a_jpeg_of_at_most_a_megabyte() {
        assert!(!Logo::check(b"\x89PNG\r\n\x1a\nrest".to_vec()).expect("png").jpeg);
        assert!(Logo::check(vec![0xFF, 0xD8, 0xFF, 0xE0]).expect("jpeg").jpeg);
        let key = |bytes: Vec<u8>| Logo::check(bytes).expect_err("refused").0[0].message;
        assert_eq!(key(b"GIF89a".to_vec()), "error-logo-format");
        assert_eq!(key(Vec::new()), "error-required");
        let mut big = b"\x89PNG\r\n\x1a\n".to_vec();
        big.resize(LOGO_MAX_BYTES + 1, 0);
        assert_eq!(key(big), "error-logo-too-large");
    }
}
