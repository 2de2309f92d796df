"""Admin for public notices, objections and filing."""
