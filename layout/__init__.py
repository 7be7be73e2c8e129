"""Shanghai 2025 key industry layout: clusters, scenarios and projects on a map."""
