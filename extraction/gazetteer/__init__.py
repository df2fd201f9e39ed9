"""Offline lexicons: places (GeoNames, ISO 3166, overlay) and actors."""
