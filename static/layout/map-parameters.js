// The names of the map's address parameters, for every script of the site and for layout/embed.py,
// which reads the lists below from this file: a parameter is named here and nowhere else.

// The filters: ?chain=<slug>&category=<category>&district=<adcode>.
export const FILTER_PARAMETERS = Object.freeze(["chain", "category", "district"]);
export const CLUSTER_PARAMETER = "cluster";
export const COMPARE_PARAMETER = "compare";
export const PROJECTS_PARAMETER = "projects";
export const BASEMAP_PARAMETER = "basemap";
export const VIEW_PARAMETER = "view";
// What an embed passes through to the map it frames (comparing is the full site's).
export const EMBED_STATE_PARAMETERS = Object.freeze(["cluster", "chain", "category", "district", "basemap", "projects", "view"]);
