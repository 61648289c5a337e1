//! Output formats other programs read: iCalendar feeds, SVG charts, e-mail
//! bodies and quote documents from the organisation's templates, and PDFs
//! typeset with typst. The heavy dependencies of those stay here.
#![forbid(unsafe_code)]

pub mod chart;
pub mod document;
pub mod email;
pub mod ical;
pub mod pdf;
pub mod quote;
