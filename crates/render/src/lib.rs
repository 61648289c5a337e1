//! Output formats other programs read: iCalendar feeds today; PDFs, charts
//! and e-mail bodies later. The heavy dependencies of those stay here.
#![forbid(unsafe_code)]

pub mod chart;
pub mod email;
pub mod ical;
