"""spaCy components, registered with @Language.factory when this package is imported."""
