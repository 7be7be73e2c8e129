// Which clusters and projects a filter keeps, and the totals of what it keeps: a sum covers only
// the published figures and says how many those are, so an unknown never counts as 0.
import { fill, formatCount, formatInvestment, formatSpace } from "./map-format.js";

export function isFiltered(state) {
  return Boolean(state.chain || state.category || state.district);
}

// facet: {district, chains, categories} of one cluster (layout/map_data.py cluster_facets).
export function clusterMatches(facet, state) {
  if (!facet) return false;
  if (state.chain && !facet.chains.includes(state.chain)) return false;
  if (state.category && !facet.categories.includes(state.category)) return false;
  if (state.district && facet.district !== state.district) return false;
  return true;
}

// As layout/filters.py: a project follows the district filter by its place, and the chain and
// category filters through its cluster (a project without a known cluster then drops out).
export function projectMatches(project, facets, state) {
  if (state.district && project.district !== state.district) return false;
  if (state.chain || state.category) {
    return Boolean(project.cluster) && clusterMatches(facets[project.cluster], { ...state, district: "" });
  }
  return true;
}

function sumText(values, count, text, format) {
  const known = values.filter((v) => v !== null && v !== undefined);
  if (!count) return "";
  if (!known.length) return fill(text.sumNone, { count: formatCount(count) });
  const total = known.reduce((sum, v) => sum + v, 0);
  return fill(text.sumPart, { value: format(total), known: formatCount(known.length), count: formatCount(count) });
}

export function summary(features, total, text, language) {
  const props = features.map((f) => f.properties);
  const count = props.length;
  const totals = {
    shown: fill(text.shown, { shown: formatCount(count), total: formatCount(total) }),
    space: sumText(props.map((p) => p.space_m2), count, text, (v) => formatSpace(v, language, text.notPublished)),
    investment: sumText(props.map((p) => p.investment_cny), count, text,
      (v) => formatInvestment(v, language, text.notPublished)),
    scenarios: sumText(props.map((p) => p.published_scenario_count), count, text, (v) => formatCount(v)),
  };
  // What no shown cluster has a figure for goes on one line, not a row of "not published" each.
  const missing = [
    ["space", "space_m2", text.figureSpace],
    ["investment", "investment_cny", text.figureInvestment],
    ["scenarios", "published_scenario_count", text.figureScenarios],
  ].filter(([, field]) => count && props.every((p) => p[field] === null || p[field] === undefined));
  for (const [name] of missing) totals[name] = "";
  totals.unknown = missing.length
    ? fill(text.notYetPublishedByCluster, { figures: missing.map(([, , label]) => label).join(text.listSeparator) })
    : "";
  if (missing.some(([name]) => name === "investment")) totals.unknown += ` ${text.investmentNotByCluster}`;
  return totals;
}
