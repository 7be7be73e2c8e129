"""Boundary files as officials send them (GeoJSON, KML, GeoPackage, zipped shapefile), written for real."""

import zipfile

import geopandas


def write(tmp_path, kind, shapes, crs=4326, names=None, stem="boundary"):
    """A real file of the kind officials send, holding the given shapes (in the given CRS)."""
    frame = geopandas.GeoDataFrame(
        {"name": names or [f"part {i}" for i in range(len(shapes))]}, geometry=list(shapes), crs=crs
    )
    if kind == "geojson":
        path = tmp_path / f"{stem}.geojson"
        frame.to_file(path, driver="GeoJSON")
    elif kind == "kml":
        path = tmp_path / f"{stem}.kml"
        frame.to_file(path, driver="KML")
    elif kind == "gpkg":
        path = tmp_path / f"{stem}.gpkg"
        frame.to_file(path, driver="GPKG")
    elif kind == "shapefile":
        folder = tmp_path / "shp"
        folder.mkdir()
        frame.to_file(folder / f"{stem}.shp")
        path = tmp_path / f"{stem}.zip"
        with zipfile.ZipFile(path, "w") as archive:
            for part in folder.iterdir():
                archive.write(part, part.name)
    else:
        raise ValueError(kind)
    return path
