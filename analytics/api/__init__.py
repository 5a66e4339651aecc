"""/api/v1/exports and /api/v1/aggregations: thin handlers over lrs.services.exports and .aggregations."""
