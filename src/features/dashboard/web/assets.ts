/** The dashboard's one stylesheet, served from /dashboard/assets/ (the CSP allows no inline style). */
export const DASHBOARD_CSS = `:root{--ink:#1d2433;--muted:#5b6475;--line:#d8dde6;--accent:#1f5fbf;--bg:#f6f7f9;--hidden:#eef0f3}
*{box-sizing:border-box}
body{margin:0;font-family:"Noto Sans KR","Apple SD Gothic Neo","Malgun Gothic",system-ui,sans-serif;color:var(--ink);background:var(--bg);line-height:1.5}
.top{display:flex;gap:1rem;align-items:center;flex-wrap:wrap;padding:.6rem 1.2rem;background:#fff;border-bottom:1px solid var(--line)}
.brand{font-size:1.1rem}.who{color:var(--muted)}.langs{margin-left:auto}.langs a{margin-left:.5rem}
.langs a[aria-current]{font-weight:bold;text-decoration:none;color:var(--ink)}
.signout{display:inline;margin:0}
nav{display:flex;gap:1.2rem;flex-wrap:wrap;padding:.5rem 1.2rem;background:#fff;border-bottom:1px solid var(--line)}
nav a[aria-current]{font-weight:bold;color:var(--ink);text-decoration:none;border-bottom:2px solid var(--accent)}
a{color:var(--accent)}
.period{padding:.6rem 1.2rem}.period .range{color:var(--muted);margin-left:.5rem}
main{padding:0 1.2rem 2rem;max-width:72rem}
h1{font-size:1.4rem;margin:.8rem 0}h2{font-size:1.1rem;margin:1.6rem 0 .5rem}h3{font-size:1rem;margin:1rem 0 .3rem}
.figures dl{display:grid;grid-template-columns:repeat(auto-fit,minmax(11rem,1fr));gap:.8rem;margin:0}
.figures dl>div{background:#fff;border:1px solid var(--line);border-radius:6px;padding:.6rem .8rem}
.figures dt{color:var(--muted);font-size:.85rem}.figures dd{margin:0;font-size:1.4rem;font-weight:600}.figures dd.sub{font-size:.8rem;font-weight:normal;color:var(--muted)}.figures dd.words{font-size:1.1rem;padding-top:.2rem}
table.data{border-collapse:collapse;background:#fff;margin:.4rem 0;min-width:20rem}
table.data th,table.data td{border:1px solid var(--line);padding:.3rem .6rem;text-align:left;vertical-align:top}
table.data thead th{background:#eef2f8;font-size:.85rem}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.hidden-cell{background:var(--hidden);color:var(--muted);font-size:.8rem;text-align:center}
table.tree tr.level-1 th{padding-left:1.4rem}table.tree tr.level-2 th{padding-left:2.6rem}table.tree tr.level-3 th{padding-left:3.8rem}
table.tree tr.level-4 th,table.tree tr.level-5 th,table.tree tr.level-6 th{padding-left:5rem}
table.tree tr.level-0 th{font-weight:bold}
table.compact td,table.compact th{padding:.15rem .5rem;font-size:.85rem}
.heat-0{background:#c0392b;color:#fff}.heat-1{background:#e67e22;color:#fff}.heat-2{background:#f4d03f}.heat-3{background:#abebc6}.heat-4{background:#58d68d}.heat-none{color:var(--muted)}
.note{color:var(--muted);font-size:.85rem}
.legend{font-size:.8rem}.swatch{display:inline-block;padding:0 .4rem;margin-right:.2rem;border-radius:3px}
.chart{width:100%;max-width:40rem;height:auto;background:#fff;border:1px solid var(--line);border-radius:6px}
.chart .grid{stroke:#e3e7ee}.chart .axis{font-size:10px;fill:#5b6475}.chart .value{font-size:10px;fill:#1d2433}
.chart .bar{fill:#1f5fbf}.chart .bar-hidden{fill:none;stroke:#aab2c0;stroke-dasharray:3 3}
.foot{padding:1rem 1.2rem;color:var(--muted);font-size:.8rem}
`;
