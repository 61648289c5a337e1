//! Small charts drawn on the server as SVG: no script, readable by screen
//! readers (a title and a description), coloured by the page's CSS so the
//! dark theme applies.

/// One series of a bar chart: its name, the CSS class of its colour, and
/// one value a column.
pub struct Series<'a> {
    pub name: &'a str,
    pub class: &'a str,
    pub values: &'a [i64],
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 36.0;
const BOTTOM: f64 = 28.0;
const TOP: f64 = 12.0;

/// Text as SVG or HTML content, or an attribute value.
pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A round top for the axis: 1, 2, 5 times a power of ten.
fn nice_ceiling(max: i64) -> i64 {
    let mut step = 1;
    loop {
        for factor in [1, 2, 5] {
            if step * factor >= max {
                return step * factor;
            }
        }
        step *= 10;
    }
}

/// Grouped bars, a group per label (`labels[i]` under column `i`), with
/// horizontal guides and the top value on the axis.
pub fn grouped_bars(title: &str, description: &str, labels: &[String], series: &[Series<'_>]) -> String {
    let columns = labels.len().max(1);
    let max = series.iter().flat_map(|s| s.values.iter().copied()).max().unwrap_or(0).max(1);
    let top = nice_ceiling(max);
    let plot_height = HEIGHT - TOP - BOTTOM;
    let group_width = (WIDTH - LEFT) / columns as f64;
    let bar_width = (group_width * 0.7) / series.len().max(1) as f64;
    let y = |value: i64| TOP + plot_height * (1.0 - value as f64 / top as f64);
    let mut svg = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-labelledby=\"chart-title chart-desc\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"chart-title\">{}</title><desc id=\"chart-desc\">{}</desc>",
        escape(title),
        escape(description)
    );
    for step in 0..=2 {
        let value = top * step / 2;
        let at = y(value);
        svg.push_str(&format!(
            "<line class=\"chart-guide\" x1=\"{LEFT}\" x2=\"{WIDTH}\" y1=\"{at:.1}\" y2=\"{at:.1}\"/>\
             <text class=\"chart-axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{value}</text>",
            LEFT - 6.0,
            at + 4.0
        ));
    }
    for (column, label) in labels.iter().enumerate() {
        let group_left = LEFT + group_width * column as f64 + group_width * 0.15;
        for (index, s) in series.iter().enumerate() {
            let value = s.values.get(column).copied().unwrap_or(0).max(0);
            let bar_top = y(value);
            svg.push_str(&format!(
                "<rect class=\"{}\" x=\"{:.1}\" y=\"{bar_top:.1}\" width=\"{:.1}\" height=\"{:.1}\"><title>{} · {}: {value}</title></rect>",
                escape(s.class),
                group_left + bar_width * index as f64,
                (bar_width - 1.0).max(1.0),
                (TOP + plot_height - bar_top).max(0.0),
                escape(label),
                escape(s.name)
            ));
        }
        // Every other label, so they never overlap at this width.
        if column % 2 == (columns - 1) % 2 {
            svg.push_str(&format!(
                "<text class=\"chart-axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                group_left + group_width * 0.35,
                HEIGHT - 8.0,
                escape(label)
            ));
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_tops_at_a_round_number() {
        assert_eq!([1, 3, 7, 10, 11, 180, 2001].map(nice_ceiling), [1, 5, 10, 10, 20, 200, 5000]);
    }

    #[test]
    fn bars_carry_their_values_and_text_is_escaped() {
        let labels: Vec<String> = ["01/12", "08/12"].map(String::from).to_vec();
        let svg = grouped_bars(
            "Semana <a>",
            "Clientes & atendimentos",
            &labels,
            &[
                Series { name: "Clientes", class: "chart-a", values: &[3, 0] },
                Series { name: "Atendimentos", class: "chart-b", values: &[1, 4] },
            ],
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("<title id=\"chart-title\">Semana &lt;a&gt;</title>"));
        assert!(svg.contains("Clientes &amp; atendimentos"));
        assert_eq!(svg.matches("<rect").count(), 4);
        assert!(svg.contains("08/12 · Atendimentos: 4"));
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn nothing_to_show_still_draws_an_empty_axis() {
        let svg = grouped_bars("t", "d", &[], &[]);
        assert!(svg.contains("chart-guide") && !svg.contains("<rect"));
    }
}
