/// The dashboard's one style sheet, served at `/static/dashboard.css`: nothing is loaded from outside, the
/// fonts are the reader's own Japanese ones, and `@media print` lays pages out on A4 portrait.
enum DashboardStyle {
    static let path = "/static/dashboard.css"

    static let css = """
        :root { --ink: #1d2733; --muted: #5b6774; --line: #d5dbe1; --this: #1f6fb2; --last: #9aa7b4; --target: #c0392b; --bg: #f6f8fa; }
        * { box-sizing: border-box; }
        html { font-family: "Noto Sans CJK JP", "Noto Sans JP", "Hiragino Sans", "Yu Gothic", "Meiryo", sans-serif; color: var(--ink); background: var(--bg); }
        body { margin: 0; font-size: 15px; line-height: 1.6; }
        main { max-width: 1000px; margin: 0 auto; padding: 0 16px 32px; }
        header.site { display: flex; justify-content: space-between; align-items: center; gap: 12px; padding: 8px 16px; background: #fff; border-bottom: 1px solid var(--line); }
        header.site .who { color: var(--muted); font-size: 13px; }
        footer.site { color: var(--muted); font-size: 12px; text-align: center; padding: 16px; }
        h1 { font-size: 22px; margin: 20px 0 4px; }
        h2 { font-size: 17px; margin: 0 0 8px; }
        .asof { color: var(--muted); margin: 0 0 12px; }
        .district + .district::before { content: "・"; }
        form.year { display: flex; gap: 8px; align-items: center; margin: 0 0 16px; }
        button, select, input { font: inherit; padding: 4px 10px; }
        button { cursor: pointer; border: 1px solid var(--this); background: var(--this); color: #fff; border-radius: 4px; }
        form.logout button { background: #fff; color: var(--this); }
        .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 12px; }
        .card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px; }
        .card h2 { font-size: 14px; color: var(--muted); font-weight: normal; }
        .card .big { font-size: 32px; font-weight: bold; margin: 0; font-variant-numeric: tabular-nums; }
        .card dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 12px; margin: 8px 0 0; font-size: 14px; }
        .card dt { color: var(--muted); }
        .card dd { margin: 0; text-align: right; font-variant-numeric: tabular-nums; }
        svg.meter { display: block; width: 100%; height: 8px; }
        .meter-bg { fill: var(--line); }
        .meter-fill { fill: var(--this); }
        .note { color: var(--muted); font-size: 13px; }
        figure.chart { background: #fff; border: 1px solid var(--line); border-radius: 6px; margin: 16px 0; padding: 8px 12px; }
        figure.chart figcaption { font-weight: bold; margin-bottom: 4px; }
        figure.chart svg { width: 100%; height: auto; display: block; }
        .grid { stroke: var(--line); stroke-width: 1; }
        .axis { stroke: var(--ink); stroke-width: 1; }
        .tick, .legend { font-size: 11px; fill: var(--muted); }
        .legend { fill: var(--ink); font-size: 12px; }
        .bar.first { fill: var(--this); }
        .bar.second { fill: var(--last); }
        .line { fill: none; stroke-width: 2.5; }
        .line.this { stroke: var(--this); }
        .line.last { stroke: var(--last); stroke-dasharray: 6 4; }
        .line.target { stroke: var(--target); stroke-dasharray: 2 3; }
        .dot.this { fill: var(--this); } .dot.last { fill: var(--last); } .dot.target { fill: var(--target); }
        section.table { background: #fff; border: 1px solid var(--line); border-radius: 6px; margin: 16px 0; padding: 12px 16px; overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; font-size: 14px; }
        th, td { border-bottom: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
        th { font-size: 13px; }
        td.num { white-space: nowrap; }
        th { background: var(--bg); font-weight: bold; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        td:first-child { white-space: nowrap; }
        a.csv { font-size: 12px; font-weight: normal; margin-left: 8px; }
        main.login { max-width: 520px; padding-top: 40px; }
        main.login form { display: grid; gap: 8px; margin-top: 16px; }
        .error { color: #8e1b10; background: #fdecea; border: 1px solid #f5c2bd; padding: 8px 12px; border-radius: 4px; }
        .notice { background: #eaf4fd; border: 1px solid #bcd9f2; padding: 8px 12px; border-radius: 4px; }
        @page { size: A4 portrait; margin: 12mm; }
        @media print {
          html, body { background: #fff; font-size: 10.5pt; }
          header.site form, form.year, a.csv, footer.site { display: none; }
          header.site { border: 0; padding: 0; }
          main { max-width: none; padding: 0; }
          .cards { grid-template-columns: 1fr 1fr; }
          .card, figure.chart, section.table { border: 1px solid #999; }
          .card, figure.chart { break-inside: avoid; }
          /* A long table (the 46 校区) runs over pages, its header repeated, never a row cut in two. */
          section.table { overflow: visible; break-inside: auto; }
          section.table h2, section.table .note { break-after: avoid; }
          thead { display: table-header-group; }
          tr { break-inside: avoid; }
          th, td { padding: 1px 4px; font-size: 9pt; }
          .line.last { stroke: #666; }
          * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        }
        """
}
