"""Qt views: everything here reads Results; nothing in the core imports this package."""
