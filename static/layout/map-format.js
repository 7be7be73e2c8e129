// Figures as layout/formats.py writes them (万平方米 / 亿元; m² / billion CNY), for totals summed in
// the browser: the same figure must read the same on the map, in the list and on every page.

function trim(number, places, grouping) {
  // At most `places` decimals, no trailing zeros, rounding half to even as Python's Decimal does.
  return new Intl.NumberFormat("en-US", {
    minimumFractionDigits: 0,
    maximumFractionDigits: places,
    useGrouping: grouping,
    roundingMode: "halfEven",
  }).format(number);
}

const grouped = (n) => trim(n, 0, true);

export function formatSpace(m2, language, notPublished) {
  if (m2 === null || m2 === undefined) return notPublished;
  if (language === "zh") {
    return m2 >= 10_000 ? `${trim(m2 / 10_000, 2, false)}万平方米` : `${grouped(m2)}平方米`;
  }
  return `${grouped(m2)} m²`;
}

export function formatInvestment(cny, language, notPublished) {
  if (cny === null || cny === undefined) return notPublished;
  if (language === "zh") {
    if (cny >= 100_000_000) return `${trim(cny / 100_000_000, 2, false)}亿元`;
    if (cny >= 10_000) return `${trim(cny / 10_000, 2, false)}万元`;
    return `${trim(cny, 2, true)}元`;
  }
  if (cny >= 1_000_000_000) return `${trim(cny / 1_000_000_000, 3, true)} billion CNY`;
  if (cny >= 1_000_000) return `${trim(cny / 1_000_000, 3, true)} million CNY`;
  return `${trim(cny, 2, true)} CNY`;
}

export function formatCount(n, notPublished) {
  return n === null || n === undefined ? notPublished : grouped(n);
}

// "%(name)s" placeholders, as in the gettext strings the page sends.
export function fill(template, values) {
  return template.replace(/%\((\w+)\)s/g, (match, name) => (name in values ? String(values[name]) : match));
}
