"""Data out: GeoJSON features for a date or for every version, and safe CSV cells."""
