// Where the map's data comes from: the page's configuration, its facets and search index (carried by the
// page), and the cluster and district geometry, which are answers of their own (cached and compressed; the
// districts a content-hashed static file) at the addresses the configuration gives.
import { readJson } from "./map-shared.js";

async function fetchGeoJson(url) {
  const response = await fetch(url, { headers: { Accept: "application/geo+json" } });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

// Resolves to {config, data, clusters, districts}; when the geometry cannot be read, the map's box says so
// in the reader's language and the promise is rejected.
export async function loadMapSources() {
  const config = readJson("map-config");
  const data = readJson("map-data");
  try {
    const [clusters, districts] = await Promise.all([
      fetchGeoJson(config.clustersUrl),
      fetchGeoJson(config.districtsUrl),
    ]);
    return { config, data, clusters, districts };
  } catch (error) {
    document.getElementById("cluster-map").textContent = config.text.dataFailed;
    throw error;
  }
}
