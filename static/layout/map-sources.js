// Where the map's data comes from: the page's configuration, its facets and search index, and the
// cluster and district geometry. The one place to change when the data arrives another way.
import { readJson } from "./map-shared.js";

// Resolves to {config, data, clusters, districts}; a promise so that a source fetched over the
// network (rather than carried by the page) fits without changing any caller.
export async function loadMapSources() {
  return {
    config: readJson("map-config"),
    data: readJson("map-data"),
    clusters: readJson("cluster-features"),
    districts: readJson("district-features"),
  };
}
