//! PDFs typeset in-process with typst: a document is a typst source
//! compiled in a world that holds only that source, the files handed to
//! it (its data as JSON, an image) and the vendored DejaVu Sans — no file
//! system, no network, no package downloads, the same output everywhere.
use std::sync::LazyLock;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

static FONTS: LazyLock<Vec<Font>> = LazyLock::new(|| {
    [&include_bytes!("../fonts/DejaVuSans.ttf")[..], &include_bytes!("../fonts/DejaVuSans-Bold.ttf")[..]]
        .into_iter()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect()
});
static BOOK: LazyLock<LazyHash<FontBook>> =
    LazyLock::new(|| LazyHash::new(FontBook::from_fonts(FONTS.iter())));
static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::builder().build()));

/// The font every document is set in.
pub const FONT: &str = "DejaVu Sans";

/// Why a document could not be typeset: typst's own words, for the log.
/// A document's source is ours, so this is a defect, never the user's.
#[derive(Debug)]
pub struct PdfError(pub String);

impl std::fmt::Display for PdfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PDF not typeset: {}", self.0)
    }
}

impl std::error::Error for PdfError {}

/// A file the source reads, by its absolute path in the world: `/data.json`.
pub struct Input {
    pub path: &'static str,
    pub content: Vec<u8>,
}

struct Desk {
    main: Source,
    inputs: Vec<(FileId, Bytes)>,
}

/// The same path is the same id for the life of the process (typst keeps
/// at most 65,535), so documents only ever name a few fixed paths.
fn file_id(path: &str) -> FileId {
    let path = VirtualPath::new(path).unwrap_or_else(|_| unreachable!("fixed paths are valid: {path}"));
    RootedPath::new(VirtualRoot::Project, path).intern()
}

impl World for Desk {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &BOOK
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() { Ok(self.main.clone()) } else { Err(FileError::NotSource) }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.inputs
            .iter()
            .find(|(input, _)| *input == id)
            .map(|(_, content)| content.clone())
            .ok_or_else(|| FileError::NotFound(id.vpath().get_without_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.get(index).cloned()
    }

    /// Documents print the dates they are given; "today" is not theirs to ask.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

fn words(diagnostics: &[SourceDiagnostic]) -> String {
    diagnostics.iter().map(|d| d.message.to_string()).collect::<Vec<_>>().join("; ")
}

/// Typesets `source` (read as `/main.typ`) with its inputs into a PDF.
pub fn typeset(source: &str, inputs: Vec<Input>) -> Result<Vec<u8>, PdfError> {
    let desk = Desk {
        main: Source::new(file_id("/main.typ"), source.to_string()),
        inputs: inputs.into_iter().map(|input| (file_id(input.path), Bytes::new(input.content))).collect(),
    };
    let document: PagedDocument = typst::compile(&desk).output.map_err(|errors| PdfError(words(&errors)))?;
    let pdf = typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default())
        .map_err(|errors| PdfError(words(&errors)));
    // typst memoizes across documents; what ten documents in a row did not
    // reuse goes, so a long-running server does not keep every quote.
    typst::comemo::evict(10);
    pdf
}

/// Whether typst reads these bytes as an image: a logo is checked when it
/// is uploaded, not when a quote is printed.
pub fn image_readable(content: &[u8]) -> bool {
    let path = if content.starts_with(&[0xFF, 0xD8, 0xFF]) { "/image.jpg" } else { "/image.png" };
    let source = format!("#image(\"{path}\", width: 1cm)");
    typeset(&source, vec![Input { path, content: content.to_vec() }]).is_ok()
}
