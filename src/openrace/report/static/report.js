// openrace report: draws the charts, applies the country / period selectors, sorts tables.
// Rows come from the JSON block (parsed, never evaluated) and reach the page only as
// data (Vega text marks, textContent), so harvested names stay inert.
const payload = JSON.parse(document.getElementById("openrace-data").textContent);
const state = { country: "all", from: null, to: null };
const views = {};
const openrace = { views, state, ready: null, charts: payload.charts };
window.openrace = openrace;

function yearOf(period) {
  if (period === null || period === undefined) return null;
  const m = String(period).match(/^(\d{4})/);
  return m ? Number(m[1]) : null;
}

function keep(country, period, countryField, periodField) {
  if (countryField && state.country !== "all" && country !== state.country) return false;
  if (periodField) {
    const y = yearOf(period);
    if (y !== null && ((state.from !== null && y < state.from) || (state.to !== null && y > state.to))) {
      return false;
    }
  }
  return true;
}

// Vega lays facets out in the order rows arrive once data is replaced: put rows in the
// facet's explicit sort order so panels keep their places when the selectors change.
function facetOrder(chart) {
  const facet = chart.spec.facet || {};
  const keys = [];
  for (const dim of ["row", "column"]) {
    const def = facet[dim];
    if (def && def.field && Array.isArray(def.sort)) keys.push([def.field, def.sort]);
  }
  return keys;
}

function rowsFor(chart) {
  const rows = chart.rows.filter((r) =>
    keep(r[chart.country_field], r[chart.period_field], chart.country_field, chart.period_field));
  const keys = facetOrder(chart);
  if (!keys.length) return rows;
  const rank = (r) => keys.map(([field, order]) => {
    const i = order.indexOf(r[field]);
    return i < 0 ? order.length : i;
  });
  return rows
    .map((r, i) => [rank(r), i, r])
    .sort((a, b) => {
      for (let k = 0; k < a[0].length; k++) if (a[0][k] !== b[0][k]) return a[0][k] - b[0][k];
      return a[1] - b[1];
    })
    .map((x) => x[2]);
}

function filterTables() {
  for (const table of document.querySelectorAll("table.sortable")) {
    const limit = Number(table.dataset.limit || 0);
    let shown = 0;
    for (const tr of table.tBodies[0].rows) {
      const hasC = tr.hasAttribute("data-country");
      const hasP = tr.hasAttribute("data-period");
      const ok = keep(tr.getAttribute("data-country"), tr.getAttribute("data-period"), hasC, hasP);
      const visible = ok && (!limit || shown < limit);
      if (visible) shown += 1;
      tr.hidden = !visible;
    }
  }
}

async function applyFilters() {
  const jobs = [];
  for (const chart of payload.charts) {
    const view = views[chart.name];
    if (!view) continue;
    const rows = rowsFor(chart);
    const fig = document.getElementById("fig-" + chart.name);
    fig.querySelector(".nodata").hidden = rows.length > 0;
    jobs.push(view.data("table", rows).runAsync());
  }
  filterTables();
  const status = document.getElementById("filter-status");
  if (status) {
    const sel = document.getElementById("sel-country");
    const name = sel.options[sel.selectedIndex].text;
    status.textContent = `Showing ${state.country === "all" ? "all countries" : name}, ${state.from}–${state.to}.`;
  }
  await Promise.all(jobs);
}

function readSelectors() {
  state.country = document.getElementById("sel-country").value;
  const f = document.getElementById("sel-from").value;
  const t = document.getElementById("sel-to").value;
  let from = f ? Number(f) : null;
  let to = t ? Number(t) : null;
  if (from !== null && to !== null && from > to) [from, to] = [to, from];
  state.from = from;
  state.to = to;
}

function sortTable(table, col, numeric, th) {
  const dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
  for (const other of table.tHead.rows[0].cells) other.setAttribute("aria-sort", "none");
  th.setAttribute("aria-sort", dir);
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  const key = (tr) => {
    const cell = tr.cells[col];
    if (!cell) return "";
    if (numeric) {
      const v = Number(cell.getAttribute("data-sort"));
      return Number.isNaN(v) ? -Infinity : v;
    }
    return cell.textContent.toLowerCase();
  };
  rows.sort((a, b) => {
    const ka = key(a), kb = key(b);
    const c = ka < kb ? -1 : ka > kb ? 1 : 0;
    return dir === "ascending" ? c : -c;
  });
  for (const tr of rows) body.appendChild(tr);
  filterTables();
}

function wireTables() {
  for (const table of document.querySelectorAll("table.sortable")) {
    for (const button of table.querySelectorAll("th button")) {
      button.addEventListener("click", () =>
        sortTable(table, Number(button.dataset.col), button.dataset.numeric === "1",
          button.parentElement));
    }
  }
}

async function drawAll() {
  const options = {
    renderer: "svg",
    actions: { export: true, source: false, compiled: false, editor: false },
    downloadFileName: "openrace-chart",
    // an empty selection is shown in words (".nodata"), not as Vega warnings
    logLevel: 1, // vega.Error
  };
  const jobs = payload.charts.map(async (chart) => {
    const el = document.getElementById("vis-" + chart.name);
    try {
      const spec = { ...chart.spec,
        datasets: { ...(chart.spec.datasets || {}), table: rowsFor(chart) } };
      const result = await window.vegaEmbed(el, spec, { ...options,
        downloadFileName: chart.name });
      views[chart.name] = result.view;
    } catch (err) {
      el.textContent = "This chart could not be drawn; the table below holds its data.";
      console.warn("openrace: chart " + chart.name + " failed: " + err);
    }
  });
  await Promise.all(jobs);
}

async function main() {
  wireTables();
  const form = document.getElementById("filters");
  if (form) {
    form.addEventListener("submit", (e) => e.preventDefault());
    for (const id of ["sel-country", "sel-from", "sel-to"]) {
      document.getElementById(id).addEventListener("change", () => {
        readSelectors();
        applyFilters();
      });
    }
    document.getElementById("sel-reset").addEventListener("click", () => {
      document.getElementById("sel-country").value = "all";
      const from = document.getElementById("sel-from");
      const to = document.getElementById("sel-to");
      from.selectedIndex = 0;
      to.selectedIndex = to.options.length - 1;
      readSelectors();
      applyFilters();
    });
    readSelectors();
  }
  await drawAll();
  await applyFilters();
  document.documentElement.dataset.ready = "1";
}

openrace.ready = main();
